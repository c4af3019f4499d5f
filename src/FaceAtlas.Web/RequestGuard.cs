using Microsoft.AspNetCore.Http;

namespace FaceAtlas.Web;

/// <summary>
/// What every request must pass before it reaches the API: the token when one is set (non-loopback binding), and
/// for anything that changes the catalog, proof it comes from the app's own pages: the custom header the pages
/// send (a cross-site form cannot set one, and a cross-site script may not without a CORS grant, which is never
/// given) and, when the browser names an origin, our own.
/// </summary>
internal sealed class RequestGuard(string? token)
{
    public const string TokenHeader = "X-FaceAtlas-Token";
    public const string TokenCookie = "faceatlas_token";
    public const string RequestHeader = "X-FaceAtlas-Request";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (token is not null && !HasToken(context))
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "this FaceAtlas needs its token: open the address printed by 'faceatlas serve'");
            return;
        }
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !FromOurPages(context))
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden, "cross-site requests may not change the catalog");
            return;
        }
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        await next(context);
    }

    bool HasToken(HttpContext context)
    {
        var given = context.Request.Headers[TokenHeader].FirstOrDefault()
            ?? context.Request.Cookies[TokenCookie]
            ?? context.Request.Query["token"].FirstOrDefault();
        if (given is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(token!)))
            return false;
        // Opened from the printed address (?token=...): remember it for the page's own requests and images.
        if (context.Request.Query.ContainsKey("token"))
            context.Response.Cookies.Append(TokenCookie, token!, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
        return true;
    }

    static bool FromOurPages(HttpContext context)
    {
        if (context.Request.Headers[RequestHeader].FirstOrDefault() != "1") return false;
        var origin = context.Request.Headers.Origin.FirstOrDefault();
        return origin is null || string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}
