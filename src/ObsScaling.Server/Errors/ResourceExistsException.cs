namespace ObsScaling.Server.Errors;

/// <summary>A resource to be created already exists (ALREADY_EXISTS).</summary>
internal sealed class ResourceExistsException(string resourceType, string resourceName)
    : Exception($"{resourceType} '{resourceName}' already exists")
{
    public string ResourceType { get; } = resourceType;

    public string ResourceName { get; } = resourceName;
}
