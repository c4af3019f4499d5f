using System.Net;
using System.Text;
using System.Text.Json;

namespace FaceAtlas.Web.Tests;

/// <summary>
/// What the server refuses: paths out of the catalog, cross-site changes, requests without the token, bad uploads.
/// HTTP alone: these run where there is no browser.
/// </summary>
public sealed class SecurityTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    [DatasetFact]
    public async Task Should_ServeOnlyPhotosOfTheCatalog_When_APathIsTried()
    {
        await using var server = await fixture.StartAsync();
        string[] attempts =
        [
            "/api/photos/..%2F..%2F..%2Fetc%2Fpasswd/image", "/%2e%2e/%2e%2e/etc/passwd", "/api/photos/999999/image",
            "/api/faces/999999/thumbnail", "/api/photos/1/image/../../../../etc/passwd", "/app.js/../../etc/passwd", "/etc/passwd",
        ];
        foreach (var path in attempts)
        {
            var response = await server.Http.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
            Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync());
        }
    }

    [DatasetFact]
    public async Task Should_RefuseChanges_When_TheyComeFromAnotherSite()
    {
        await using var server = await fixture.StartAsync();
        long id = (await server.GetJson("/api/people")).GetProperty("people")[0].GetProperty("person").GetInt64();
        StringContent Body() => new("""{"name":"Mallory"}""", Encoding.UTF8, "application/json");

        var plain = await server.Http.PostAsync($"/api/people/{id}/name", Body()); // what a cross-site form could send
        var foreign = new HttpRequestMessage(HttpMethod.Post, $"/api/people/{id}/name") { Content = Body() };
        foreign.Headers.Add("X-FaceAtlas-Request", "1");
        foreign.Headers.Add("Origin", "http://evil.example");
        var fromElsewhere = await server.Http.SendAsync(foreign);

        Assert.Equal(HttpStatusCode.Forbidden, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);
        Assert.NotEqual("Mallory", (await server.GetJson($"/api/people/{id}")).GetProperty("person").GetProperty("name").GetString());
    }

    [DatasetFact]
    public async Task Should_AskForTheToken_When_OneIsSet()
    {
        await using var server = await fixture.StartAsync(token: "secret-token");

        var without = await server.Http.GetAsync("/api/people");
        var wrong = await server.Http.GetAsync("/api/people?token=guess");
        var with = await server.Http.GetAsync("/api/people?token=secret-token");

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Contains("needs its token", await ApiTests.Error(without));
    }

    [DatasetFact]
    public async Task Should_SayWhy_When_AnUploadIsNotAPhotoOrTooLarge()
    {
        await using var server = await fixture.StartAsync();
        // The client waits for the server's word before sending a body (100-continue), however busy the machine: by
        // default it sends anyway after 350 ms, and a refused upload then meets a closed connection.
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { BaseAddress = new Uri(server.Address) };
        async Task<HttpResponseMessage> Upload(byte[] bytes)
        {
            var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "photo", "query.jpg" } };
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/search") { Content = form };
            request.Headers.Add("X-FaceAtlas-Request", "1");
            request.Headers.ExpectContinue = true; // so a refused upload is answered before it is all sent
            return await patient.SendAsync(request);
        }

        var text = await Upload(Encoding.UTF8.GetBytes("not a photo at all"));
        var blank = await Upload(TestPhotos.Png(200, 200));
        var huge = await Upload(new byte[25 * 1024 * 1024]);

        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Contains("not a usable photo", await text.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Contains("no face found", await blank.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        using var doc = JsonDocument.Parse(await text.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.TryGetProperty("error", out _));
    }

    [DatasetFact]
    public async Task Should_TakeAnUpload_When_ItPausesForSeconds()
    {
        await using var server = await fixture.StartAsync();
        var boundary = "faceatlas-slow";
        var head = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"query.png\"\r\n" +
                                          "Content-Type: image/png\r\n\r\n");
        var body = head.Concat(TestPhotos.Png(200, 200)).Concat(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n")).ToArray();
        var uri = new Uri(server.Address);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/search HTTP/1.1\r\nHost: {uri.Authority}\r\nX-FaceAtlas-Request: 1\r\nConnection: close\r\n" +
            $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {body.Length}\r\n\r\n"));

        // Half the photo, then a pause longer than Kestrel's default grace of 5 s at its default 240 bytes/s.
        await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
        await Task.Delay(TimeSpan.FromSeconds(7));
        await stream.WriteAsync(body.AsMemory(body.Length / 2));
        var answer = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("no face found", answer);
    }
}
