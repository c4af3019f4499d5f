using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceAtlas.Web;

/// <summary>Builds the web app: Kestrel on the chosen address, the guard, the API and the front end.</summary>
public static class WebServer
{
    public static WebApplication Build(ServeOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "FaceAtlas",
            // The program's own folder, not the one serve was started in, and no settings file watched: the host
            // watches its content root (every folder under it) for settings files, and started in a home folder of
            // 847,000 photos that walk took 11 s before the first request, and can use up the system's inotify watches.
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Bind, options.Port);
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            // A photo sent from a phone on weak Wi-Fi, or to a machine busy indexing, may pause for seconds; Kestrel's
            // default drops a body slower than 240 bytes/s after 5 s. A stalled client is still dropped, after 30 s.
            k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(30));
            k.AddServerHeader = false;
        });
        builder.Services.Configure<JsonOptions>(j =>
        {
            j.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            j.SerializerOptions.TypeInfoResolver = WebJson.Default; // no reflection: see WebJson
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<CatalogApi>();
        // A body that is not the JSON asked for throws, so ApiErrors answers it with words, as every other error.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var app = builder.Build();
        app.Use(new ApiErrors(options.Catalog).InvokeAsync);
        app.Use(new RequestGuard(options.Token).InvokeAsync);
        foreach (var path in StaticAssets.Paths)
            app.MapGet(path, () => StaticAssets.Serve(path));
        var api = app.Services.GetRequiredService<CatalogApi>();
        api.Map(app);
        if (options.Prepare) api.Prepare();
        return app;
    }

    /// <summary>The address to open once started (the port the system gave, for --port 0), with the token when one is needed.</summary>
    public static string Address(WebApplication app, ServeOptions options)
    {
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                  ?? $"http://{options.Bind}:{options.Port}";
        return options.Token is null ? url + "/" : $"{url}/?token={options.Token}";
    }
}
