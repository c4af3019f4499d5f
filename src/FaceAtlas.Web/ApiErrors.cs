using FaceAtlas.Core;
using FaceAtlas.Core.Catalog;
using Microsoft.AspNetCore.Http;

namespace FaceAtlas.Web;

/// <summary>
/// The one map from a failure to an HTTP status, and the rule that every error under /api answers JSON
/// <c>{error}</c> (README, the API table): failures thrown by the services, and statuses set without a body
/// (a route that answers 404 by itself).
/// </summary>
internal sealed class ApiErrors(ICatalogStore store)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception error) when (!context.Response.HasStarted && Map(store.Explain(error) ?? error) is var (status, message))
        {
            context.Response.Clear();
            await WriteAsync(context, status, message);
            return;
        }
        if (context.Response is { StatusCode: >= 400, HasStarted: false, ContentLength: null }
            && context.Request.Path.StartsWithSegments("/api"))
            await WriteAsync(context, context.Response.StatusCode, ReasonPhrase(context.Response.StatusCode));
    }

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorView(message), WebJson.Contract<ErrorView>(context));
    }

    static (int Status, string Message)? Map(Exception e) => e switch
    {
        NotFoundException => (StatusCodes.Status404NotFound, e.Message),
        InvalidRequestException => (StatusCodes.Status400BadRequest, e.Message),
        CatalogBusyException => (StatusCodes.Status409Conflict, e.Message),
        BadHttpRequestException bad => (bad.StatusCode, bad.Message),
        // The change was rolled back whole: nothing half-done to repair, only space to free.
        IOException io when DiskFullException.IsNoSpace(io) =>
            (StatusCodes.Status507InsufficientStorage, "the disk holding the catalog is full; free some space and try again (nothing saved is lost)"),
        DamagedCatalogException => (StatusCodes.Status500InternalServerError, e.Message),
        OperationCanceledException => null, // the client left; nobody to answer
        _ => (StatusCodes.Status500InternalServerError, $"the request failed: {e.Message}"),
    };

    static string ReasonPhrase(int status) =>
        status == StatusCodes.Status404NotFound ? "no such resource" : Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
