using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;
using ObsScaling.Server.Errors;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Mapping;
using ObsScaling.Server.Services;
using ObsScaling.Server.Storage;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Features;

/// <summary>
/// ImportFiles: result files as uploaded bytes (the server never opens a path), parsed by the engine's importers
/// and stored through the same all-or-nothing path as ImportModels.
/// </summary>
internal sealed class FileImportHandlers(DatasetImport import, IOptions<ServerOptions> options)
{
    private readonly ServerOptions _options = options.Value;

    /// <summary>Upload cap: the files are held in memory while they are parsed.</summary>
    internal const long MaxImportFileBytes = 256L * 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task<V1.ImportFilesResponse> ImportFiles(IAsyncStreamReader<V1.ImportFilesRequest> requestStream, ServerCallContext context)
    {
        V1.ImportFilesHeader? header = null;
        var files = new List<(string Name, V1.FileRole Role, MemoryStream Bytes)>();
        long total = 0;
        var index = 0;
        await foreach (var item in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            switch (item.ItemCase)
            {
                case V1.ImportFilesRequest.ItemOneofCase.Header when header is null && index == 0:
                    header = item.Header;
                    context.UserState["dataset"] = header.Dataset;
                    break;
                case V1.ImportFilesRequest.ItemOneofCase.Header:
                    throw new ObsValidationException("header", item.Header.Dataset, "the header must be the first message and appear once");
                case V1.ImportFilesRequest.ItemOneofCase.Chunk when header is not null:
                    var chunk = item.Chunk;
                    if (string.IsNullOrWhiteSpace(chunk.FileName))
                    {
                        throw new ObsValidationException($"messages[{index}].chunk.file_name", "", "a chunk needs the name of its file");
                    }

                    total += chunk.Content.Length;
                    if (total > MaxImportFileBytes)
                    {
                        throw StatusMapping.ResourceExhausted($"An import may carry at most {MaxImportFileBytes / (1024 * 1024)} MiB of files.");
                    }

                    var at = files.FindIndex(f => f.Name == chunk.FileName);
                    if (at < 0)
                    {
                        files.Add((chunk.FileName, chunk.Role, new MemoryStream()));
                        at = files.Count - 1;
                    }
                    else if (chunk.Role != V1.FileRole.Unspecified && Role(chunk.Role) != Role(files[at].Role))
                    {
                        throw new ObsValidationException($"messages[{index}].chunk.role", chunk.Role.ToString(), $"file '{chunk.FileName}' was first sent as {files[at].Role}");
                    }

                    chunk.Content.WriteTo(files[at].Bytes);
                    break;
                case V1.ImportFilesRequest.ItemOneofCase.Chunk:
                    throw new ObsValidationException("header", "", "the first message must be a header naming the dataset and the format");
                default:
                    throw new ObsValidationException($"messages[{index}]", "", "empty message: set header or chunk");
            }

            index++;
        }

        if (header is null)
        {
            throw new ObsValidationException("header", "", "the stream carried no header");
        }

        var id = ResourceName.RequireId("header.dataset", header.Dataset);
        if (header.Options is null)
        {
            throw new ObsValidationException(ImportMapping.OptionsField, "", "the header needs the import options (at least the format)");
        }

        // Inspect AI logs may be zips: their bytes go to the engine as they are (it decodes what is text).
        var binary = header.Options.Format == V1.ResultFormat.InspectAi;
        var sources = files.Select(f => (f.Name, Role: Role(f.Role), Source: binary && Role(f.Role) == V1.FileRole.Results
            ? new ImportSource(f.Name, "") { Bytes = f.Bytes.ToArray() }
            : new ImportSource(f.Name, Decode(f.Name, f.Bytes)))).ToList();
        var metadata = sources.Where(s => s.Role == V1.FileRole.Metadata).ToList();
        if (metadata.Count > 1)
        {
            throw new ObsValidationException("chunk.role", string.Join(", ", metadata.Select(m => m.Name)), "at most one metadata file");
        }

        var fileRules = sources.Where(s => s.Role == V1.FileRole.FamilyRules).Select(s => FamilyRules.Parse(s.Source.Text, s.Name)).ToList();
        var options = header.Options.ToDomain(fileRules);
        var results = sources.Where(s => s.Role == V1.FileRole.Results).Select(s => s.Source).ToList();
        ModelSet set;
        var warnings = new List<string>();
        try
        {
            set = ResultImporter.Import(results, metadata.Count == 1 ? metadata[0].Source : null, options, warnings);
        }
        catch (ObsValidationException ex)
        {
            throw ImportMapping.WithRequestPaths(ex);
        }

        if (set.Count > _options.MaxImportModels)
        {
            throw StatusMapping.ResourceExhausted($"An import may carry at most {_options.MaxImportModels} models.");
        }

        var outcome = import.Store(id, header.Mode, header.DisplayName, set.OrderedMetrics().ToArray(), set.Models);
        var response = new V1.ImportFilesResponse
        {
            Dataset = outcome.Dataset,
            ModelsAdded = outcome.Added,
            ModelsReplaced = outcome.Replaced,
            ModelsRead = set.Count,
        };
        response.Files.AddRange(results.Select(r => r.Name));
        response.Warnings.AddRange(warnings);
        return response;
    }

    private static V1.FileRole Role(V1.FileRole role) => role == V1.FileRole.Unspecified ? V1.FileRole.Results : role;

    private static string Decode(string name, MemoryStream bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException ex)
        {
            throw new ObsValidationException(name, $"byte {ex.Index}", "not UTF-8 text: save the file as UTF-8");
        }
    }
}
