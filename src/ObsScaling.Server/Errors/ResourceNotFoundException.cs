namespace ObsScaling.Server.Errors;

/// <summary>A named resource does not exist (NOT_FOUND).</summary>
internal sealed class ResourceNotFoundException(string resourceType, string resourceName)
    : Exception($"{resourceType} '{resourceName}' not found")
{
    public string ResourceType { get; } = resourceType;

    public string ResourceName { get; } = resourceName;
}
