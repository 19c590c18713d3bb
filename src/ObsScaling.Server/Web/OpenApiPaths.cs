using System.Text.RegularExpressions;
using Google.Api;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace ObsScaling.Server.Web;

/// <summary>
/// Grpc.Swagger writes a resource-name variable as one path parameter (<c>{name=datasets/*/fits/*}</c> becomes
/// <c>v1/{name}</c>), so GetDataset, GetFit and GetPreregistration collide on <c>GET v1/{name}</c> and the document
/// cannot be generated. This spells each such variable out as the URL a client writes,
/// <c>v1/datasets/{dataset}/fits/{fit}</c>, one path parameter per segment.
/// </summary>
internal sealed partial class OpenApiPaths : IApiDescriptionProvider
{
    // The collection IDs of the contract's resource names and the parameter each one's segment becomes.
    private static readonly Dictionary<string, string> Singular = new(StringComparer.Ordinal)
    {
        ["datasets"] = "dataset",
        ["fits"] = "fit",
        ["ledgers"] = "ledger",
        ["entries"] = "entry",
    };

    public int Order => 1000;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var description in context.Results)
        {
            var rule = description.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault()?.HttpRule;
            if (rule is null || Pattern(rule) is not { } pattern)
            {
                continue;
            }

            var segments = new List<string>();
            var path = Variable().Replace(pattern, m =>
            {
                description.ParameterDescriptions.Remove(description.ParameterDescriptions.FirstOrDefault(p => p.Name == m.Groups["field"].Value && p.Source == BindingSource.Path)!);
                var parts = m.Groups["pattern"].Value.Split('/');
                for (var i = 0; i < parts.Length; i++)
                {
                    if (parts[i] == "*")
                    {
                        var name = i > 0 && Singular.TryGetValue(parts[i - 1], out var singular) ? singular : $"{m.Groups["field"].Value}{i}";
                        parts[i] = "{" + name + "}";
                        segments.Add(name);
                    }
                }

                return string.Join('/', parts);
            });
            foreach (var name in segments)
            {
                description.ParameterDescriptions.Add(new ApiParameterDescription { Name = name, Source = BindingSource.Path, Type = typeof(string), IsRequired = true });
            }

            description.RelativePath = path.TrimStart('/');
        }
    }

    private static string? Pattern(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        _ => null,
    };

    [GeneratedRegex(@"\{(?<field>[A-Za-z0-9_.]+)=(?<pattern>[^}]+)\}")]
    private static partial Regex Variable();
}
