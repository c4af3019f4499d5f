using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>
/// The flows a person uses to tidy their people, end to end in Chromium at desktop and phone sizes: faces to
/// review given to someone or ignored, faces moved by picking a person, suggestions answered by key, and every
/// page laid out square and within the screen.
/// </summary>
public sealed class ReviewTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    public static readonly TheoryData<int, int> Sizes = new() { { 1280, 900 }, { 390, 844 } };

    async Task<IPage> Open(Server server, int width, int height, string hash)
    {
        var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        await page.GotoAsync(server.Address + "/" + hash);
        return page;
    }

    static Task<HttpResponseMessage> Post(Server server, string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-FaceAtlas-Request", "1");
        return server.Http.SendAsync(request);
    }

    static async Task Shot(IPage page, string name, int width)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, $"{name}-{width}.png"), FullPage = true });
    }

    static long[] FacesOf(JsonElement group) => group.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToArray();

    [BrowserTheory]
    [MemberData(nameof(Sizes))]
    public async Task Should_PutAReviewedFaceInTheNamedPerson_When_PickedByName(int width, int height)
    {
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        Assert.True(review.GetArrayLength() > 0, "the test catalog has faces in no person");
        long[] faces = FacesOf(review[0]);
        long jennifer = (await server.GetJson("/api/people")).GetProperty("people")[0].GetProperty("person").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await Post(server, $"/api/people/{jennifer}/name", """{"name":"Jennifer"}""")).StatusCode);
        var page = await Open(server, width, height, "#/review");

        var group = page.Locator($"#review .group[data-faces='{string.Join(' ', faces)}']");
        await group.Locator(".picker input").FillAsync("Jenn");
        await group.Locator($".picker [data-person='{jennifer}']").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('to Jennifer')");

        await Shot(page, "review-after-assign", width);
        var holds = (await server.GetJson($"/api/people/{jennifer}")).GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToHashSet();
        Assert.All(faces, f => Assert.Contains(f, holds));
        Assert.DoesNotContain((await server.GetJson("/api/review")).EnumerateArray(), g => FacesOf(g).Intersect(faces).Any());
        await page.GotoAsync(server.Address + $"/#/person/{jennifer}");
        foreach (long face in faces)
            await page.Locator($"#person-photos [data-face='{face}']").WaitForAsync();
    }

    [BrowserTheory]
    [MemberData(nameof(Sizes))]
    public async Task Should_KeepAnIgnoredStrangerOutOfReviewAndPeople_When_IgnoredAndBackWhenUndone(int width, int height)
    {
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        long[] faces = FacesOf(review[review.GetArrayLength() - 1]);
        string people = (await server.GetJson("/api/people")).GetRawText();
        string suggestions = (await server.GetJson("/api/suggestions")).GetRawText();
        var page = await Open(server, width, height, "#/review");

        await page.Locator($"#review .group[data-faces='{string.Join(' ', faces)}'] button.ignore").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('ignored')");
        await page.ReloadPageAsync();
        await page.Locator("#ignored").WaitForAsync();

        await Shot(page, "review-ignored", width);
        Assert.DoesNotContain((await server.GetJson("/api/review")).EnumerateArray(), g => FacesOf(g).Intersect(faces).Any());
        Assert.Equal(faces.Order(), (await server.GetJson("/api/review/ignored")).EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).Order());
        Assert.Equal(0, await page.Locator($"#review [data-faces~='{faces[0]}']").CountAsync());
        Assert.Equal(people, (await server.GetJson("/api/people")).GetRawText());            // no person made of them
        Assert.Equal(suggestions, (await server.GetJson("/api/suggestions")).GetRawText());  // and none suggested

        await page.Locator($"#ignored [data-face='{faces[0]}'] button").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Brought back')");
        Assert.Contains((await server.GetJson("/api/review")).EnumerateArray(), g => FacesOf(g).Contains(faces[0]));
    }

    [BrowserTheory]
    [MemberData(nameof(Sizes))]
    public async Task Should_MoveSelectedFacesToANewNamedPerson_When_PickedWithoutAnId(int width, int height)
    {
        await using var server = await fixture.StartAsync();
        var first = (await server.GetJson("/api/people")).GetProperty("people")[0];
        long person = first.GetProperty("person").GetInt64();
        int faces = first.GetProperty("faces").GetInt32();
        var page = await Open(server, width, height, $"#/person/{person}");
        var tiles = page.Locator("#person-photos .tile input.pick");
        await tiles.Nth(faces - 1).WaitForAsync();

        await tiles.Nth(0).ClickAsync();
        await tiles.Nth(2).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] }); // a range: the first three
        Assert.Equal("3 faces selected", await page.Locator("#selected").TextContentAsync());
        await page.Locator("#move-picker input").FillAsync("Ada");
        await Shot(page, "person-picker", width);
        await page.Locator("#move-picker [data-new]").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Moved 3 faces')");

        var ada = (await server.GetJson("/api/people")).GetProperty("people").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Ada");
        Assert.Equal(3, ada.GetProperty("faces").GetInt32());
        Assert.Equal(faces - 3, (await server.GetJson($"/api/people/{person}")).GetProperty("person").GetProperty("faces").GetInt32());
    }

    [BrowserTheory]
    [MemberData(nameof(Sizes))]
    public async Task Should_UndoTheMoveAsWellAsTheName_When_AGroupGivenToANewNamedPersonIsUndone(int width, int height)
    {
        // Given: the review's first group given to a new person named there (two changes: the move, then the name)
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        long[] faces = FacesOf(review[0]);
        var page = await Open(server, width, height, "#/review");
        var group = page.Locator($"#review .group[data-faces='{string.Join(' ', faces)}']");
        await group.Locator(".picker input").FillAsync("Zed");
        await group.Locator(".picker [data-new]").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('to Zed')");

        // When: the message's Undo is pressed
        await page.ClickAsync("#message button.undo");
        await page.WaitForSelectorAsync("#message:has-text('Undone')");

        // Then: both are undone, the name and the move: the faces are in no person again, and nobody is Zed
        var history = (await server.GetJson("/api/history?limit=2")).EnumerateArray().ToList();
        Assert.Equal(["name", "move"], history.Select(c => c.GetProperty("kind").GetString()));
        Assert.All(history, c => Assert.True(c.GetProperty("undone").GetBoolean()));
        Assert.Contains((await server.GetJson("/api/review")).EnumerateArray(), g => FacesOf(g).SequenceEqual(faces));
        Assert.DoesNotContain((await server.GetJson("/api/people?hidden=true")).GetProperty("people").EnumerateArray(), p => p.GetProperty("name").GetString() == "Zed");
    }

    [BrowserFact]
    public async Task Should_AnswerEachGroupOnce_When_AKeyIsPressedTwiceQuickly()
    {
        // Given: the review's first two groups
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        Assert.True(review.GetArrayLength() >= 3, "the test catalog should leave at least three groups to review");
        long[] first = FacesOf(review[0]), second = FacesOf(review[1]);
        var page = await Open(server, 1280, 900, "#/review");
        await page.Locator("#review .group").First.WaitForAsync();

        // When: i pressed twice at once, before the first answer is back
        await page.Keyboard.PressAsync("i");
        await page.Keyboard.PressAsync("i");
        await page.Locator($"#review .group[data-faces='{string.Join(' ', first)}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await page.Locator($"#review .group[data-faces='{string.Join(' ', second)}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });

        // Then: two ignores, one for each group: the first group is not ignored twice
        var ignores = (await server.GetJson("/api/history")).EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "ignore").ToList();
        Assert.Equal(2, ignores.Count);
        Assert.Equal(first.Concat(second).Order(), (await server.GetJson("/api/review/ignored")).EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).Order());
        Assert.Equal(FacesOf(review[2]), FacesOf((await server.GetJson("/api/review"))[0]));
    }

    [BrowserFact]
    public async Task Should_AnswerSuggestionsByKey_When_PressingYOrN()
    {
        await using var server = await fixture.StartAsync();
        var before = await server.GetJson("/api/suggestions");
        Assert.True(before.GetArrayLength() > 0, "the test catalog should give at least one suggestion");
        long a = before[0].GetProperty("first").GetProperty("person").GetInt64(), b = before[0].GetProperty("second").GetProperty("person").GetInt64();
        var page = await Open(server, 1280, 900, "#/suggestions");
        await page.Locator(".suggestion").First.WaitForAsync();
        int cards = await page.Locator(".suggestion").CountAsync();

        await page.Keyboard.PressAsync("n");
        await page.WaitForSelectorAsync("#message:has-text('Noted')");

        Assert.Equal(cards - 1, await page.Locator(".suggestion").CountAsync()); // the next pair is first at once
        Assert.DoesNotContain((await server.GetJson("/api/suggestions")).EnumerateArray(), s =>
            s.GetProperty("first").GetProperty("person").GetInt64() == a && s.GetProperty("second").GetProperty("person").GetInt64() == b);
    }

    [BrowserTheory]
    [MemberData(nameof(Sizes))]
    public async Task Should_ShowEveryFaceSquareAndNothingWiderThanTheScreen_When_OpeningEachPage(int width, int height)
    {
        await using var server = await fixture.StartAsync();
        long person = (await server.GetJson("/api/people")).GetProperty("people")[0].GetProperty("person").GetInt64();
        long photo = (await server.GetJson($"/api/people/{person}")).GetProperty("faces")[0].GetProperty("photo").GetInt64();
        var pages = new Dictionary<string, string>
        {
            ["people"] = "#/people", ["person"] = $"#/person/{person}", ["photo"] = $"#/photo/{photo}", ["review"] = "#/review",
            ["suggestions"] = "#/suggestions", ["search"] = "#/search", ["status"] = "#/status", ["hidden"] = "#/hidden",
        };
        var page = await Open(server, width, height, "");
        foreach (var (name, hash) in pages)
        {
            // The page before is cleared first, so that the heading waited for is this page's own.
            await page.EvaluateAsync("document.getElementById('main').replaceChildren()");
            await page.GotoAsync(server.Address + "/" + hash);
            await page.Locator("main h1").WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            Assert.True(await page.EvaluateAsync<bool>($"document.documentElement.scrollWidth <= {width}"), $"{name} scrolls sideways at {width} px");
            // Lazy images load as they come into view: load them all, then look.
            await page.EvaluateAsync("document.querySelectorAll('img').forEach(i => i.loading = 'eager')");
            for (int wait = 0; wait < 100 && await page.EvaluateAsync<int>("[...document.querySelectorAll('img')].filter(i => !i.complete).length") > 0; wait++)
                await Task.Delay(100);
            await Shot(page, $"page-{name}", width);
            // Every face thumbnail square on the page, as drawn (not stretched, not cut to a band), and loaded.
            var shapes = await page.EvaluateAsync<double[][]>("[...document.querySelectorAll('img.face')].map(i => { const r = i.getBoundingClientRect(); return [r.width, r.height, i.naturalWidth]; })");
            Assert.All(shapes, s => Assert.True(Math.Abs(s[0] - s[1]) <= 1 && s[2] > 0, $"{name}: a face drawn {s[0]:F0}x{s[1]:F0}"));
            Assert.Equal(0, await page.EvaluateAsync<int>("[...document.querySelectorAll('img')].filter(i => !i.hasAttribute('alt')).length"));
            if (name is "people" or "person" or "review" or "suggestions") Assert.NotEmpty(shapes);
        }
    }

    [BrowserTheory]
    [MemberData(nameof(Sizes))]
    public async Task Should_EndWithAllDone_When_EveryGroupIsAnsweredByKey(int width, int height)
    {
        // Given: the faces to review, their groups counted
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        int groups = review.GetArrayLength();
        Assert.True(groups >= 3, "the test catalog should leave at least three groups to review");
        var page = await Open(server, width, height, "#/review");
        await page.Locator("#review .group").First.WaitForAsync();
        Assert.StartsWith($"{review.EnumerateArray().Sum(g => g.GetProperty("faces").GetArrayLength())} faces in no person, in {groups} groups",
            await page.Locator("#review-count").TextContentAsync());

        // When: the first group ignored (i), the next given to its most likely person if it has one (y), the rest ignored
        var answered = new List<long[]>();
        for (int i = 0; i < groups; i++)
        {
            var first = page.Locator("#review .group").First;
            string faces = (await first.GetAttributeAsync("data-faces"))!;
            bool hasCandidate = await first.Locator("button.candidate").CountAsync() > 0;
            await page.Keyboard.PressAsync(i == 1 && hasCandidate ? "y" : "i");
            await page.Locator($"#review .group[data-faces='{faces}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
            answered.Add(faces.Split(' ').Select(long.Parse).ToArray());
        }

        // Then: every group answered once, in the order shown; the page says all is done, and the catalog agrees
        await page.Locator("#review-done").WaitForAsync();
        await Shot(page, "review-done", width);
        Assert.Equal(review.EnumerateArray().Select(FacesOf).Select(f => string.Join(' ', f)), answered.Select(f => string.Join(' ', f)));
        Assert.Empty((await server.GetJson("/api/review")).EnumerateArray());
        Assert.Equal(0, (await server.GetJson("/api/review/page")).GetProperty("total_groups").GetInt32());
    }
}

/// <summary>A face the detector missed, drawn on its photo: embedded from the box, found by search like any other.</summary>
public sealed class DrawnFaceTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_FindThePhotoBySearch_When_AMissedFaceIsDrawnAndGivenToAPerson(int width, int height)
    {
        // Given: a person's faces gone from the catalog (forgotten), as if the detector had missed them
        await using var server = await fixture.StartAsync();
        var store = FaceAtlas.Storage.CatalogStores.For(server.Catalog);
        long person = (await server.GetJson("/api/people")).GetProperty("people")[0].GetProperty("person").GetInt64();
        FaceAtlas.Core.Catalog.FaceRecord missed;
        string query;
        float[] detected;
        using (var catalog = store.Open())
        {
            var faces = catalog.FacesOfPerson(person);
            (missed, query) = (faces[0], faces[^1].Photo.Path);
            detected = catalog.FaceVectors([missed.Id]).Single().Embedding;
        }
        new FaceAtlas.Core.Application.ForgetService(store).Forget(person);
        var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        await page.GotoAsync(server.Address + $"/#/photo/{missed.Photo.Id}");
        await page.WaitForSelectorAsync("#photo-date:has-text('0 faces')");

        // When: a box drawn where the face is, and given to a new person
        await page.ClickAsync("#draw");
        var image = (await page.Locator(".photo img").BoundingBoxAsync())!;
        double sx = image.Width / missed.Photo.Width, sy = image.Height / missed.Photo.Height;
        var b = missed.Box;
        await page.Mouse.MoveAsync((float)(image.X + b.X * sx), (float)(image.Y + b.Y * sy));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)(image.X + (b.X + b.Width / 2) * sx), (float)(image.Y + (b.Y + b.Height / 2) * sy), new() { Steps = 4 });
        await page.Mouse.MoveAsync((float)(image.X + (b.X + b.Width) * sx), (float)(image.Y + (b.Y + b.Height) * sy), new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await page.Locator("#draw-picker input").FillAsync("Drawn Again");
        await page.Locator("#draw-picker [data-new]").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Face added to Drawn Again')");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, $"photo-drawn-{width}.png"), FullPage = true });

        // Then: the face is there, embedded like the detected one was, in its person, and search finds its photo
        var view = await server.GetJson($"/api/photos/{missed.Photo.Id}");
        var drawn = Assert.Single(view.GetProperty("faces").EnumerateArray());
        Assert.Equal("Drawn Again", drawn.GetProperty("name").GetString());
        using (var catalog = store.Open())
        {
            var embedding = catalog.FaceVectors([drawn.GetProperty("face").GetInt64()]).Single().Embedding;
            Assert.True(System.Numerics.Tensors.TensorPrimitives.Dot(embedding, detected) > 0.8f, "the drawn face is embedded as the detected one was");
        }
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(query)), "photo", "query.jpg" } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/search") { Content = form };
        request.Headers.Add("X-FaceAtlas-Request", "1");
        using var hits = JsonDocument.Parse(await (await server.Http.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Contains(hits.RootElement.EnumerateArray(), h => h.GetProperty("photo").GetInt64() == missed.Photo.Id);
    }
}
