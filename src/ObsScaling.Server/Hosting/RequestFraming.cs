using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ObsScaling.Server.Errors;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Reads a call's length-prefixed messages before grpc-dotnet does, so that damage a client did to the framing
/// becomes INVALID_ARGUMENT naming the message, not INTERNAL or UNKNOWN: grpc-dotnet reports a bad length prefix or
/// a compressed flag without an encoding as INTERNAL, and an undecodable gzip body, a flag other than 0 or 1, or a
/// length over 2 GiB as UNKNOWN (it parses a unary request before any interceptor runs). Messages are passed on one
/// at a time, gzip ones decompressed (never beyond <see cref="ServerOptions.MaxReceiveMessageBytes"/>, else
/// RESOURCE_EXHAUSTED), so grpc-dotnet only ever sees well-formed, uncompressed frames. A request whose content type
/// is not gRPC gets HTTP 415, as the gRPC HTTP/2 protocol asks, with grpc-status INVALID_ARGUMENT. A message
/// encoding other than identity and gzip is left to grpc-dotnet, which answers UNIMPLEMENTED as the compression spec
/// asks.
/// gRPC-Web calls on the web endpoint are left to grpc-dotnet: its pump reading ahead of the handler breaks Kestrel's
/// HTTP/1.1 request draining (the connection is dropped), and grpc-dotnet's gRPC-Web support reads their framing itself.
/// </summary>
internal sealed class RequestFraming(RequestDelegate next, IOptions<ServerOptions> options, WebEndpoint web)
{
    private const int HeaderBytes = 5;

    private readonly int _maxMessage = options.Value.MaxReceiveMessageBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is null || web.Serves(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var contentType = context.Request.ContentType ?? "";
        if (!IsGrpcContentType(contentType))
        {
            await GrpcResponses.WriteStatusAsync(context, StatusCode.InvalidArgument, $"Invalid input: content-type = '{RequestText.Escape(contentType)}': a gRPC call must be sent as application/grpc", StatusCodes.Status415UnsupportedMediaType).ConfigureAwait(false);
            return;
        }

        var encoding = context.Request.Headers["grpc-encoding"].ToString();
        var identity = encoding.Length == 0 || string.Equals(encoding, "identity", StringComparison.Ordinal);
        var gzip = string.Equals(encoding, "gzip", StringComparison.Ordinal);
        if (!identity && !gzip)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var source = context.Request.BodyReader;
        // A little read-ahead keeps a stream of small messages (imports of 100,000 models) from waiting on a task switch
        // per message; beyond it the pump waits, so a client still cannot make the server buffer more than a frame.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        var single = method.Type is MethodType.Unary or MethodType.ServerStreaming;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var pump = PumpAsync(source, pipe.Writer, gzip, single, stop.Token);
        context.Request.Body = pipe.Reader.AsStream(leaveOpen: true);
        context.Features.Set<IRequestBodyPipeFeature>(new BodyPipe(pipe.Reader));
        if (gzip)
        {
            // The frames grpc-dotnet sees are not compressed any more.
            context.Request.Headers.Remove("grpc-encoding");
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static bool IsGrpcContentType(string contentType) =>
        contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) &&
        (contentType.Length == 16 || contentType[16] is '+' or ';');

    private async Task PumpAsync(PipeReader source, PipeWriter target, bool gzip, bool single, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var header = new byte[HeaderBytes];
        try
        {
            for (var index = 0; ; index++)
            {
                var field = single ? "request" : $"messages[{index}]";
                var result = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
                while (!result.IsCompleted && result.Buffer.Length < HeaderBytes)
                {
                    source.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    result = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
                }

                if (result.Buffer.Length == 0 && result.IsCompleted)
                {
                    return;
                }

                if (result.Buffer.Length < HeaderBytes)
                {
                    throw Invalid(field, $"{result.Buffer.Length} bytes", "the stream ended inside a message header (a header is 5 bytes: compressed flag and length)");
                }

                result.Buffer.Slice(0, HeaderBytes).CopyTo(header);
                var flag = header[0];
                var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
                if (flag > 1)
                {
                    throw Invalid(field, $"compressed flag {flag}", "the compressed flag of a message must be 0 or 1");
                }

                if (length > (uint)_maxMessage)
                {
                    throw StatusMapping.ResourceExhausted($"Request message of {length} bytes exceeds the maximum configured message size of {_maxMessage} bytes (ObsScaling:MaxReceiveMessageBytes).");
                }

                if (flag == 1 && !gzip)
                {
                    throw Invalid(field, "compressed flag 1", "the message is marked compressed but the call's grpc-encoding is identity (or absent)");
                }

                if (single && index > 0)
                {
                    throw Invalid(field, $"message {index + 1}", "this method takes exactly one request message");
                }

                var frame = (int)length + HeaderBytes;
                while (!result.IsCompleted && result.Buffer.Length < frame)
                {
                    source.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    result = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
                }

                if (result.Buffer.Length < frame)
                {
                    throw Invalid(field, $"length prefix {length}", $"the length prefix promises {length} bytes but the stream ended after {result.Buffer.Length - HeaderBytes}");
                }

                var payload = result.Buffer.Slice(HeaderBytes, length);
                var message = flag == 1 ? Decompress(payload, field) : payload;
                var output = target.GetSpan(HeaderBytes);
                output[0] = 0;
                BinaryPrimitives.WriteUInt32BigEndian(output[1..], (uint)message.Length);
                target.Advance(HeaderBytes);
                foreach (var segment in message)
                {
                    target.Write(segment.Span);
                }

                source.AdvanceTo(result.Buffer.GetPosition(frame));
                var flushed = await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The call ended (or the client went away): nobody reads further.
        }
#pragma warning disable CA1031 // every failure travels to the reader, which reports it as the call's status
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }
        finally
        {
            await target.CompleteAsync(failure).ConfigureAwait(false);
        }
    }

    private ReadOnlySequence<byte> Decompress(ReadOnlySequence<byte> payload, string field)
    {
        var output = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(new ReadOnlySequenceStream(payload), CompressionMode.Decompress);
            var buffer = ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                int read;
                while ((read = gzip.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (output.Length + read > _maxMessage)
                    {
                        throw StatusMapping.ResourceExhausted($"Request message decompresses to more than the maximum configured message size of {_maxMessage} bytes (ObsScaling:MaxReceiveMessageBytes).");
                    }

                    output.Write(buffer, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (InvalidDataException)
        {
            throw Invalid(field, $"{payload.Length} compressed bytes", "the message is marked gzip-compressed but is not valid gzip data");
        }

        return new ReadOnlySequence<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    private static RpcException Invalid(string field, string value, string description) => StatusMapping.InvalidArgument(field, value, description);

    private sealed class BodyPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }

    /// <summary>A read-only stream over a byte sequence, for GZipStream.</summary>
    private sealed class ReadOnlySequenceStream(ReadOnlySequence<byte> sequence) : Stream
    {
        private ReadOnlySequence<byte> _rest = sequence;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, _rest.Length);
            _rest.Slice(0, n).CopyTo(buffer);
            _rest = _rest.Slice(n);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
