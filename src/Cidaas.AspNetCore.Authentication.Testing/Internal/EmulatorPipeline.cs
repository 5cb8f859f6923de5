using Cidaas.AspNetCore.Authentication.Testing.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The emulator's single piece of middleware: record the request, apply an arranged fault, dispatch by path.</summary>
internal static class EmulatorPipeline
{
    private const int MaxRecordedJsonBytes = 64 * 1024;

    private static readonly Dictionary<string, Func<HttpContext, CidaasEmulator, Task>> Routes = new(StringComparer.OrdinalIgnoreCase)
    {
        [DiscoveryEndpoint.Path] = DiscoveryEndpoint.HandleAsync,
        [JwksEndpoint.Path] = JwksEndpoint.HandleAsync,
        [AuthorizeEndpoint.Path] = AuthorizeEndpoint.HandleAsync,
        [PushedAuthorizationEndpoint.Path] = PushedAuthorizationEndpoint.HandleAsync,
        [LoginEndpoint.Path] = LoginEndpoint.HandleAsync,
        [RegisterEndpoint.Path] = RegisterEndpoint.HandleAsync,
        [TokenEndpoint.Path] = TokenEndpoint.HandleAsync,
        [UserInfoEndpoint.Path] = UserInfoEndpoint.HandleAsync,
        [EndSessionEndpoint.Path] = EndSessionEndpoint.HandleAsync,
        [IntrospectionEndpoint.Path] = IntrospectionEndpoint.HandleAsync,
        [RevocationEndpoint.Path] = RevocationEndpoint.HandleAsync,
        [TestTokenEndpoint.Path] = TestTokenEndpoint.HandleAsync,
    };

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        var path = context.Request.Path.Value ?? "/";

        // The client authentication of every endpoint checks assertions against the emulator's issuer, clock and jti memory.
        context.Features.Set(emulator);
        emulator.Record(await RecordAsync(context, path));

        try
        {
            if (emulator.Next.TryTakeFault(path, out var fault) && !await fault!.ApplyAsync(context))
            {
                return;
            }

            if (FindFailingStatus(emulator.Options, path) is { } status)
            {
                await Responses.WriteErrorAsync(context, "temporarily_unavailable", $"The emulator is configured to fail {path} with {status}.", status);
                return;
            }

            if (!Routes.TryGetValue(path, out var handler))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await handler(context, emulator);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or a fault dropped the connection); nobody is left to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            // An emulator bug must look like a broken server (500), not like an exception thrown into the test's HttpClient.
            await Responses.WriteErrorAsync(context, "server_error", "The cidaas emulator failed: " + exception.GetType().Name, StatusCodes.Status500InternalServerError);
        }
    }

    private static int? FindFailingStatus(CidaasEmulatorOptions options, string path)
    {
        if (options.FailingEndpoints.Count == 0)
        {
            return null;
        }

        // The dictionary may come from configuration binding, which does not keep a comparer: compare paths here.
        foreach (var (failing, status) in options.FailingEndpoints)
        {
            if (string.Equals(failing.TrimEnd('/'), path.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }
        }

        return null;
    }

    private static async Task<CidaasEmulatorRequest> RecordAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            try
            {
                // ReadFormAsync caches the form, so the endpoint reads the same values again.
                foreach (var (name, values) in await request.ReadFormAsync(context.RequestAborted))
                {
                    form[name] = values.ToString();
                }
            }
            catch (Exception exception) when (exception is InvalidDataException or IOException or OperationCanceledException)
            {
                // A broken body is recorded as an empty form; the endpoint reports the problem.
            }
        }

        string? jsonBody = null;
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true
            && request.ContentLength is null or <= MaxRecordedJsonBytes)
        {
            // Buffered, so that the endpoint reads the same body again.
            request.EnableBuffering();
            try
            {
                using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                var buffer = new char[MaxRecordedJsonBytes];
                var read = await reader.ReadBlockAsync(buffer, context.RequestAborted);
                jsonBody = new string(buffer, 0, read);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException)
            {
                // A broken body is recorded as none; the endpoint reports the problem.
            }
            finally
            {
                request.Body.Position = 0;
            }
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return new CidaasEmulatorRequest(request.Method, path, request.QueryString.Value ?? "", form, headers) { JsonBody = jsonBody };
    }
}
