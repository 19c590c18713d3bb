using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>A stored dataset; <see cref="Dataset"/> (its ID) binds to -Dataset of the next cmdlet.</summary>
public sealed class ObsDataset
{
    public string Dataset { get; set; } = "";

    /// <summary>Resource name, datasets/{dataset}.</summary>
    public string Name { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public int ModelCount { get; set; }

    public IReadOnlyList<string> Metrics { get; set; } = [];

    public IReadOnlyList<ObsMetric> MetricInfo { get; set; } = [];

    public IReadOnlyList<string> Families { get; set; } = [];

    public long Revision { get; set; }

    public string Etag { get; set; } = "";

    public DateTime? CreateTime { get; set; }

    public DateTime? UpdateTime { get; set; }

    /// <summary>Set by Import-ObsModel: models new to the dataset.</summary>
    public int? ModelsAdded { get; set; }

    /// <summary>Set by Import-ObsModel: models that replaced stored ones with the same name.</summary>
    public int? ModelsReplaced { get; set; }

    public override string ToString() => Name;

    internal static ObsDataset FromProto(V1.Dataset d) => new()
    {
        Dataset = d.Name.StartsWith("datasets/", StringComparison.Ordinal) ? d.Name["datasets/".Length..] : d.Name,
        Name = d.Name,
        DisplayName = d.DisplayName,
        ModelCount = d.ModelCount,
        Metrics = d.Metrics.Select(m => m.Name).ToArray(),
        MetricInfo = d.Metrics.Select(ObsMetric.FromProto).ToArray(),
        Families = d.Families.ToArray(),
        Revision = d.Revision,
        Etag = d.Etag,
        CreateTime = d.CreateTime?.ToDateTime(),
        UpdateTime = d.UpdateTime?.ToDateTime(),
    };
}
