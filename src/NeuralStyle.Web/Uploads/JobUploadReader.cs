using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using NeuralStyle.Imaging;
using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Jobs;

namespace NeuralStyle.Web.Uploads;

/// <summary>
/// Reads a request of images (multipart/form-data: a file field <c>content</c>, any number of file fields
/// <c>styles</c> up to <see cref="WebAppOptions.MaxStyles"/>, and settings as plain fields) within the
/// app's limits; what a request needs of them is its endpoint's to check. Everything is read into
/// memory, section by section, so nothing is written to disk (ASP.NET's form reader buffers large
/// files in a temporary folder); file names are ignored. At most <see cref="WebAppOptions.MaxConcurrentUploads"/>
/// uploads are read at once, each within <see cref="WebAppOptions.UploadTimeout"/>, and the decoded
/// images are reserved from the server's <see cref="InputMemoryBudget"/> before they are decoded.
/// </summary>
internal sealed class JobUploadReader : IDisposable
{
    /// <summary>The file field of the content photo.</summary>
    public const string ContentField = "content";

    /// <summary>The file field of the style images (repeated for several).</summary>
    public const string StylesField = "styles";

    private const int MaxFields = 64;
    private const int MaxFieldLength = 1000;

    private readonly WebAppOptions _options;
    private readonly InputMemoryBudget _memory;
    private readonly SemaphoreSlim _uploads;

    public JobUploadReader(IOptions<WebAppOptions> options, InputMemoryBudget memory)
    {
        _options = options.Value;
        _memory = memory;
        _uploads = new SemaphoreSlim(_options.MaxConcurrentUploads, _options.MaxConcurrentUploads);
    }

    /// <summary>Reads and decodes a request of images; the upload's memory reservation goes with it (dispose it if no job takes it).</summary>
    /// <exception cref="RequestRefusedException">
    /// The request breaks a limit or lacks an image (4xx), takes longer than the upload timeout (408), or
    /// finds the server at its limit of concurrent uploads or of waiting images' memory (503).
    /// </exception>
    /// <exception cref="OperationCanceledException">The client went away (<paramref name="cancellationToken"/>).</exception>
    public async Task<JobUpload> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var boundary = Boundary(request);
        if (!await _uploads.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            throw Busy($"The server is receiving as many uploads as it takes at once ({_options.MaxConcurrentUploads}); try again in a few seconds.", TimeSpan.FromSeconds(5));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.UploadTimeout);
        try
        {
            return await ReadAsync(request, boundary, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RequestRefusedException(
                StatusCodes.Status408RequestTimeout,
                "Upload too slow",
                $"The upload did not complete within {_options.UploadTimeout.TotalSeconds:0} s; send it over a faster connection or with smaller images.");
        }
        finally
        {
            _uploads.Release();
        }
    }

    /// <summary>How many uploads are being read now.</summary>
    public int UploadsInProgress => _options.MaxConcurrentUploads - _uploads.CurrentCount;

    public void Dispose() => _uploads.Dispose();

    private async Task<JobUpload> ReadAsync(HttpRequest request, string boundary, CancellationToken cancellationToken)
    {
        var options = _options;
        if (request.ContentLength > options.MaxRequestBytes)
        {
            throw TooLarge(options.MaxRequestBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = options.MaxRequestBytes;
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = options.MaxRequestBytes };
        byte[]? content = null;
        var styles = new List<byte[]>();
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (settings.Count + styles.Count + 1 > MaxFields)
                {
                    throw Refused("Too many fields", $"A job takes at most {MaxFields} fields.");
                }

                var disposition = section.GetContentDispositionHeader();
                var name = disposition?.Name.Value?.Trim('"');
                if (disposition is null || string.IsNullOrEmpty(name))
                {
                    throw Refused("Malformed form", "Every part of the form needs a name (Content-Disposition: form-data; name=\"...\").");
                }

                if (disposition.IsFileDisposition())
                {
                    var bytes = await ReadFileAsync(section.Body, name, options.MaxUploadBytes, cancellationToken).ConfigureAwait(false);
                    if (name == ContentField)
                    {
                        content = content is null ? bytes : throw Refused("Too many content images", "Give one content image (field 'content').", ContentField);
                    }
                    else if (name == StylesField)
                    {
                        styles.Add(styles.Count < options.MaxStyles ? bytes : throw Refused("Too many style images", $"A job takes at most {options.MaxStyles} style images.", StylesField));
                    }
                    else
                    {
                        throw Refused("Unknown file field", $"The form has a file in '{OptionValues.Shown(name)}'; files go in 'content' (one) and 'styles' (one or more).", name);
                    }
                }
                else
                {
                    var value = await ReadFieldAsync(section.Body, name, cancellationToken).ConfigureAwait(false);
                    if (!settings.TryAdd(name, value))
                    {
                        throw Refused("Repeated setting", $"The setting '{OptionValues.Shown(name)}' is given twice; give it once.", name);
                    }
                }
            }
        }
        catch (InvalidDataException)
        {
            // The multipart reader's own checks: a malformed body, or (sent without a length) one over the limit.
            throw Malformed(options);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(options.MaxRequestBytes);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's minimum data rate: the body stalled.
            throw new RequestRefusedException(StatusCodes.Status408RequestTimeout, "Upload stalled", "The upload stopped sending data; try again.");
        }
        catch (BadHttpRequestException)
        {
            throw Malformed(options);
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // The body ended before the closing boundary ("Unexpected end of Stream").
            throw Malformed(options);
        }

        if (content is null)
        {
            throw Refused("No content image", "Choose a content photo (file field 'content').", ContentField);
        }

        string StyleName(int i) => styles.Count == 1 ? "the style image" : $"style image {i + 1}";
        var decodedBytes = UploadedImage.DecodedBytes(content, "the content image", ContentField, options.MaxPixels)
            + styles.Select((bytes, i) => UploadedImage.DecodedBytes(bytes, StyleName(i), StylesField, options.MaxPixels)).Sum();
        var reservation = _memory.TryReserve(decodedBytes) ?? throw Busy(
            $"The server is checking as many uploaded images as its memory budget allows ({Megabytes(_memory.CapacityBytes)} decoded); try again in a minute.",
            TimeSpan.FromSeconds(60));
        try
        {
            var contentImage = UploadedImage.Decode(content, "the content image", ContentField, options.MaxPixels);
            var styleImages = styles.Select((bytes, i) => UploadedImage.Decode(bytes, StyleName(i), StylesField, options.MaxPixels)).ToArray();
            return new JobUpload(contentImage, styleImages, settings, content, styles, reservation);
        }
        catch
        {
            reservation.Dispose();
            throw;
        }
    }

    private static string Boundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new RequestRefusedException(
                StatusCodes.Status415UnsupportedMediaType,
                "Not a form",
                "Send the job as multipart/form-data: a file field 'content', file fields 'styles', and the settings as fields.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        return string.IsNullOrEmpty(boundary) || boundary.Length > 200
            ? throw Refused("Malformed form", "The multipart/form-data content type has no valid boundary.")
            : boundary;
    }

    private static async Task<byte[]> ReadFileAsync(Stream body, string field, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new RequestRefusedException(
                    StatusCodes.Status413PayloadTooLarge,
                    "File too large",
                    $"A file in '{OptionValues.Shown(field)}' is larger than {Megabytes(maxBytes)}; this app takes files of at most that size.",
                    field);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == 0
            ? throw new RequestRefusedException(StatusCodes.Status400BadRequest, "Empty file", $"A file in '{OptionValues.Shown(field)}' is empty; choose an image.", field)
            : buffer.ToArray();
    }

    private static async Task<string> ReadFieldAsync(Stream body, string field, CancellationToken cancellationToken)
    {
        var buffer = new char[MaxFieldLength + 1];
        using var text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var length = await text.ReadBlockAsync(buffer, cancellationToken).ConfigureAwait(false);
        return length > MaxFieldLength
            ? throw Refused("Setting too long", $"The setting '{OptionValues.Shown(field)}' is longer than {MaxFieldLength} characters.", field)
            : new string(buffer, 0, length).Trim();
    }

    private static RequestRefusedException Malformed(WebAppOptions options) =>
        Refused("Malformed form", $"The request body is not well-formed multipart/form-data of at most {Megabytes(options.MaxRequestBytes)}.");

    private static RequestRefusedException Busy(string message, TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, "Server busy", message) { RetryAfter = retryAfter };

    private static RequestRefusedException TooLarge(long maxBytes) => new(
        StatusCodes.Status413PayloadTooLarge,
        "Request too large",
        $"The images of one job may add up to at most {Megabytes(maxBytes)}; choose smaller files.");

    private static RequestRefusedException Refused(string title, string message, string? field = null) =>
        new(StatusCodes.Status400BadRequest, title, message, field);

    private static string Megabytes(long bytes) => $"{bytes / 1e6:0.#} MB";
}
