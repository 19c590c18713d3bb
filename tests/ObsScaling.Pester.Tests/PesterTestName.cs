using Xunit.Abstractions;

namespace ObsScaling.Pester.Tests;

/// <summary>
/// A Pester test's full name as a theory argument: xunit cuts string arguments at 50 characters in the names it
/// reports, but shows a serializable argument's ToString whole.
/// </summary>
public sealed class PesterTestName : IXunitSerializable
{
    public PesterTestName()
    {
    }

    public PesterTestName(string id) => Id = id;

    public string Id { get; private set; } = "";

    public void Deserialize(IXunitSerializationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Id = info.GetValue<string>(nameof(Id));
    }

    public void Serialize(IXunitSerializationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.AddValue(nameof(Id), Id);
    }

    public override string ToString() => Id;
}
