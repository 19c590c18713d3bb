using Grpc.Core;

namespace ObsScaling.Server.Services;

/// <summary>A request stream over messages already received, so a unary method can reuse a client-streaming handler.</summary>
internal sealed class ListStreamReader<T>(IReadOnlyList<T> messages) : IAsyncStreamReader<T>
    where T : class
{
    private int _next = -1;

    public T Current => _next >= 0 && _next < messages.Count ? messages[_next] : throw new InvalidOperationException("No current message: call MoveNext first.");

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_next < messages.Count)
        {
            _next++;
        }

        return Task.FromResult(_next < messages.Count);
    }
}
