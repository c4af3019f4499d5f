using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>
/// Corrections that must not go wrong, and the small things around them (issue 40), at desktop and phone sizes:
/// a name kept without Enter, Enter taking the best match, a merge of two names asked first, the search by name in
/// the header, pages that end, and tap targets a finger can hit.
/// </summary>
public sealed partial class PagesTests
{
    async Task<IPage> Open(Server server, int width, int height, string hash)
    {
        var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        await page.GotoAsync(server.Address + "/" + hash);
        return page;
    }

    static Task Shot(IPage page, string name, int width) => Shot(page, $"{name}-{width}");

    static async Task<long[]> PeopleIds(Server server) =>
        (await server.GetJson("/api/people")).GetProperty("people").EnumerateArray().Select(p => p.GetProperty("person").GetInt64()).ToArray();

    static async Task<List<string?>> Names(Server server) =>
        (await server.GetJson("/api/people?hidden=true")).GetProperty("people").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();

    static async Task<JsonElement> PersonOf(Server server, long id) => (await server.GetJson($"/api/people/{id}")).GetProperty("person");

    static async Task Name(Server server, long id, string name)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/people/{id}/name") { Content = new StringContent(JsonSerializer.Serialize(new { name }), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-FaceAtlas-Request", "1");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(request)).StatusCode);
    }

    /// <summary>Clears the message line, so that the next wait for a message is for a new one.</summary>
    static Task Quiet(IPage page) => page.EvaluateAsync("document.getElementById('message').textContent = ''");

    /// <summary>Polls <paramref name="done"/> for up to 15 s (a busy 2-core machine); true once it holds.</summary>
    static async Task<bool> Until(Func<Task<bool>> done)
    {
        for (int i = 0; i < 150; i++)
        {
            if (await done()) return true;
            await Task.Delay(100);
        }
        return await done();
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_KeepATypedName_When_TheFieldIsLeftWithoutEnter(int width, int height)
    {
        // Given: unnamed people
        await using var server = await fixture.StartAsync();
        long[] people = await PeopleIds(server);
        var page = await Open(server, width, height, "#/people");
        var field = page.Locator($"#people [data-person='{people[0]}'] input");

        // When: a name typed on the People grid, a click elsewhere (no Enter), and the page reloaded
        await field.FillAsync("Katherine Johnson");
        await page.ClickAsync("main h1");
        await page.WaitForSelectorAsync("#message:has-text('Named Katherine Johnson')");
        await page.ReloadPageAsync();

        // Then: the name is kept
        await field.WaitForAsync();
        Assert.Equal("Katherine Johnson", await field.InputValueAsync());
        await Shot(page, "people-named", width);

        // The same on a person's page, where the heading follows the name
        await page.GotoAsync(server.Address + $"/#/person/{people[1]}");
        await page.Locator("#person-photos figure").First.WaitForAsync();
        await page.FillAsync("#person-name", "Dorothy Vaughan");
        await page.ClickAsync("#person-span");
        await page.WaitForSelectorAsync("#message:has-text('Named Dorothy Vaughan')");
        Assert.Equal("Dorothy Vaughan", await page.Locator("main h1").TextContentAsync());
        await page.ReloadPageAsync();
        await page.Locator("#person-photos figure").First.WaitForAsync();
        Assert.Equal("Dorothy Vaughan", await page.InputValueAsync("#person-name"));

        // And a name typed, the field never left, the page reloaded at once: saved as the page goes
        await page.FillAsync("#person-name", "Mary Jackson");
        await page.ReloadPageAsync();
        Assert.True(await Until(async () => (await PersonOf(server, people[1])).GetProperty("name").GetString() == "Mary Jackson"),
            "a name typed and not yet saved when the page was reloaded was lost");

        // A name emptied is not saved: the name comes back (the page loaded again: the reload above may have read the
        // person before the name sent as it went was saved, on a loaded machine)
        await page.ReloadPageAsync();
        await page.Locator("#person-photos figure").First.WaitForAsync();
        Assert.Equal("Mary Jackson", await page.InputValueAsync("#person-name"));
        await page.FillAsync("#person-name", "");
        await page.ClickAsync("#person-span");
        await page.WaitForSelectorAsync("#message:has-text('cannot be removed')");
        Assert.Equal("Mary Jackson", await page.InputValueAsync("#person-name"));
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_TakeTheBestMatch_When_EnterIsPressedInAPicker(int width, int height)
    {
        // Given: "Leonard Stuart" and "Stuart Bloom" (who answers "stu" better), and a person to move faces from
        await using var server = await fixture.StartAsync();
        long[] people = await PeopleIds(server);
        long from = people[0], leonard = people[1], stuart = people[2];
        await Name(server, leonard, "Leonard Stuart");
        await Name(server, stuart, "Stuart Bloom");
        int faces = (await PersonOf(server, stuart)).GetProperty("faces").GetInt32();
        var page = await Open(server, width, height, $"#/person/{from}");
        var picks = page.Locator("#person-photos input.pick");
        var input = page.Locator("#move-picker input");
        await picks.First.WaitForAsync();

        // When: a face selected, "stu" typed and Enter pressed at once
        await picks.First.ClickAsync();
        await input.PressSequentiallyAsync("stu");
        await input.PressAsync("Enter");
        await page.WaitForSelectorAsync("#message:has-text('Moved 1 face')");

        // Then: the face is Stuart Bloom's, and nobody called "stu" was made
        Assert.Equal(faces + 1, (await PersonOf(server, stuart)).GetProperty("faces").GetInt32());
        Assert.DoesNotContain("stu", await Names(server));

        // When: "stu" typed, the new person pointed at with the arrow key, Enter
        await Quiet(page);
        await picks.First.ClickAsync();
        await input.PressSequentiallyAsync("stu");
        var best = page.Locator($"#move-picker [data-person='{stuart}'][aria-selected='true']");
        await best.WaitForAsync(); // the best match is the one highlighted, below "New person"
        await Shot(page, "picker-best-match", width);
        await input.PressAsync("ArrowUp");
        Assert.Equal("true", await page.Locator("#move-picker [data-new]").GetAttributeAsync("aria-selected"));
        await input.PressAsync("Enter");
        await page.WaitForSelectorAsync("#message:has-text('Moved 1 face')");

        // Then: a new person "stu", asked for
        Assert.Contains("stu", await Names(server));

        // When nobody matches, Enter makes the new person
        await Quiet(page);
        await picks.First.ClickAsync();
        await input.PressSequentiallyAsync("Zelda Nobody");
        await input.PressAsync("Enter");
        await page.WaitForSelectorAsync("#message:has-text('Moved 1 face')");
        Assert.Contains("Zelda Nobody", await Names(server));
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_AskWhichNameToKeep_When_MergingTwoNamedPeople(int width, int height)
    {
        // Given: Penny and Penelope, and a suggested pair of two others
        await using var server = await fixture.StartAsync();
        var pair = (await server.GetJson("/api/suggestions"))[0];
        long first = pair.GetProperty("first").GetProperty("person").GetInt64(), second = pair.GetProperty("second").GetProperty("person").GetInt64();
        long[] people = (await PeopleIds(server)).Where(p => p != first && p != second).ToArray();
        long penny = people[0], penelope = people[1];
        await Name(server, penny, "Penny");
        await Name(server, penelope, "Penelope");
        int photos = (await PersonOf(server, penny)).GetProperty("photos").GetInt32() + (await PersonOf(server, penelope)).GetProperty("photos").GetInt32();
        var page = await Open(server, width, height, $"#/person/{penny}");
        await page.Locator("#person-photos figure").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var dialog = page.Locator("dialog#ask");

        // When: Penny merged into Penelope, and the question cancelled
        await page.ClickAsync("#merge-picker input");
        await page.ClickAsync($"#merge-picker [data-person='{penelope}']");
        await dialog.WaitForAsync();
        await Shot(page, "merge-asked", width);

        // Then: it asks, naming both and the name each answer keeps; cancelled, nothing changes
        Assert.Equal("Merge Penny and Penelope?", await dialog.Locator("h2").TextContentAsync());
        Assert.Equal(["Merge, keep “Penelope”", "Merge, keep “Penny”", "Cancel"], await dialog.Locator("button").AllTextContentsAsync());
        await dialog.Locator("button:text-is('Cancel')").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Not merged')");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/api/people/{penelope}")).StatusCode);

        // When: asked again, and Penny's name kept
        await page.ClickAsync("#merge-picker input");
        await page.ClickAsync($"#merge-picker [data-person='{penelope}']");
        await dialog.Locator("button:text-is('Merge, keep “Penny”')").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Merged Penelope into Penny')"); // not "Not merged", still shown

        // Then: one person, Penny, with both sets of photos, whose page is shown
        var kept = await PersonOf(server, penny);
        Assert.Equal("Penny", kept.GetProperty("name").GetString());
        Assert.Equal(photos, kept.GetProperty("photos").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/api/people/{penelope}")).StatusCode);
        Assert.EndsWith($"#/person/{penny}", page.Url);

        // And a suggestion of two named people: "y" asks; Escape merges nothing; "y" and Enter keep the first's name
        await Name(server, first, "Sheldon");
        await Name(server, second, "Shelly");
        await page.GotoAsync(server.Address + "/#/suggestions");
        await page.Locator($".suggestion[data-first='{first}'][data-second='{second}']").WaitForAsync();
        await page.Keyboard.PressAsync("y");
        await dialog.WaitForAsync();
        Assert.Equal("Merge Shelly and Sheldon?", await dialog.Locator("h2").TextContentAsync());
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync("#message:has-text('Not merged')");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/api/people/{second}")).StatusCode);
        await page.Keyboard.PressAsync("y");
        await dialog.WaitForAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#message:has-text('Merged into Sheldon')");
        Assert.Equal("Sheldon", (await PersonOf(server, first)).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/api/people/{second}")).StatusCode);
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_GoToThePerson_When_TheirNameIsTypedInTheHeader(int width, int height)
    {
        // Given: Stuart Bloom and Amy Farrah Fowler, and a page that is not People
        await using var server = await fixture.StartAsync();
        long[] people = await PeopleIds(server);
        long stuart = people[2], amy = people[3];
        await Name(server, stuart, "Stuart Bloom");
        await Name(server, amy, "Amy Farrah Fowler");
        var page = await Open(server, width, height, "#/review");
        var failed = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) failed.Add($"{r.Status} {r.Url}"); };
        await page.Locator("main h1").WaitForAsync();
        var find = page.Locator("#find input");

        // When: "stu" typed in the header, Enter
        await find.PressSequentiallyAsync("stu");
        await page.Locator($"#find [data-person='{stuart}']").WaitForAsync();
        await Shot(page, "header-search", width);
        await find.PressAsync("Enter");

        // Then: Stuart's page, and the search box empty again
        await page.WaitForSelectorAsync("main h1:text-is('Stuart Bloom')");
        Assert.EndsWith($"#/person/{stuart}", page.Url);
        Assert.Equal("", await find.InputValueAsync());

        // And from there, a click on a name found by a part of it
        await find.PressSequentiallyAsync("fowl");
        await page.ClickAsync($"#find [data-person='{amy}']");
        await page.WaitForSelectorAsync("main h1:text-is('Amy Farrah Fowler')");

        // The header is one row; on a phone its menu is one button, opened and closed
        var header = (await page.Locator("header").BoundingBoxAsync())!;
        Assert.True(header.Height < 64, $"the header is {header.Height:F0} px tall at {width} px");
        var nav = page.Locator("header nav");
        if (width < 600)
        {
            Assert.False(await nav.IsVisibleAsync());
            await page.ClickAsync("#menu-button");
            await Shot(page, "header-menu", width);
            await page.ClickAsync("header nav a:text-is('Suggestions')");
            await page.WaitForSelectorAsync("main h1:text-is('Same person?')");
            Assert.False(await nav.IsVisibleAsync());
        }
        else
        {
            Assert.False(await page.Locator("#menu-button").IsVisibleAsync());
            Assert.True(await nav.IsVisibleAsync());
        }
        Assert.Empty(failed); // the icon included: no 404 on any load
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_SayWhatItIsWaitingFor_When_TheSuggestionsTakeAMoment(int width, int height)
    {
        // Given: the People page, and suggestions that take 2 s to answer (as on a large library's first start)
        await using var server = await fixture.StartAsync();
        var page = await Open(server, width, height, "#/people");
        await page.Locator("#people .card").First.WaitForAsync();
        await page.RouteAsync("**/api/suggestions/page?*", async route =>
        {
            await Task.Delay(2000);
            await route.ContinueAsync();
        });

        // When: the Suggestions page is asked for
        await page.EvaluateAsync("location.hash = '#/suggestions'");

        // Then: the page says what it waits for in place of the People page, then shows the suggestions
        var waiting = page.Locator("main #waiting");
        await waiting.WaitForAsync(new() { Timeout = 1900 });
        Assert.Equal(0, await page.Locator("#people").CountAsync());
        Assert.Contains("people who may be the same", await waiting.TextContentAsync());
        Assert.Equal("Same person?", await page.Locator("main h1").TextContentAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.Screenshots, $"suggestions-waiting-{width}.png") });
        await page.Locator(".suggestion").First.WaitForAsync();
        Assert.Equal(0, await waiting.CountAsync());
        Assert.True(await page.Locator(".suggestion").CountAsync() > 0);
    }

    [BrowserFact]
    public async Task Should_BringTheNextPageOfSuggestions_When_TheShownOnesAreAnswered()
    {
        // Given: the suggestions, and the page asking for them a pair at a time (it asks for 12)
        await using var server = await fixture.StartAsync();
        int total = await server.SplitOneFaceOffEach(4);
        Assert.True(total >= 3, $"the test catalog gives {total} suggestions; paging needs three or more");
        var page = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var asked = new List<string>();
        await page.RouteAsync("**/api/suggestions/page?*", async route =>
        {
            var url = route.Request.Url.Replace("limit=12", "limit=1");
            asked.Add(url);
            await route.ContinueAsync(new() { Url = url });
        });
        await page.GotoAsync(server.Address + "/#/suggestions");
        await page.Locator(".suggestion").First.WaitForAsync();

        // When: each first pair is answered "not the same" as it comes
        var answered = new List<string>();
        while (answered.Count <= total)
        {
            var first = page.Locator("#suggestions .suggestion").First;
            Assert.True(await Until(async () => await first.CountAsync() > 0 || await page.Locator("#suggestions-done").CountAsync() > 0), "a pair, or all done");
            if (await first.CountAsync() == 0) break;
            string a = (await first.GetAttributeAsync("data-first"))!, b = (await first.GetAttributeAsync("data-second"))!;
            answered.Add($"{a}-{b}");
            await page.Keyboard.PressAsync("n");
            Assert.True(await Until(async () => await page.Locator($".suggestion[data-first='{a}'][data-second='{b}']").CountAsync() == 0), "the pair answered leaves");
        }

        // Then: every pair came, each once, by pages after the first, and the page says all is done
        await page.Locator("#suggestions-done").WaitForAsync();
        Assert.Equal(total, answered.Count);
        Assert.Equal(total, answered.Distinct().Count());
        Assert.Contains(asked, url => url.Contains("after="));
        Assert.Equal(0, (await server.GetJson("/api/suggestions/page")).GetProperty("total").GetInt32());
    }

    [BrowserFact]
    public async Task Should_SayAllIsDone_When_TheLastSuggestionIsAnswered()
    {
        await using var server = await fixture.StartAsync();
        var page = await Open(server, 1280, 900, "#/suggestions");
        await page.Locator(".suggestion").First.WaitForAsync();
        int cards = await page.Locator(".suggestion").CountAsync();

        for (int left = cards - 1; left >= 0; left--)
        {
            await page.Keyboard.PressAsync("n");
            Assert.True(await Until(async () => await page.Locator(".suggestion").CountAsync() == left), $"{left} suggestions should be left");
        }

        await page.Locator("#suggestions-done").WaitForAsync();
        await Shot(page, "suggestions-done", 1280);
        await page.SetViewportSizeAsync(390, 844);
        await Shot(page, "suggestions-done", 390);
        Assert.Contains("All done", await page.Locator("#suggestions-done").TextContentAsync());
        Assert.Equal(0, (await server.GetJson("/api/suggestions")).GetArrayLength());
        await page.ReloadPageAsync();
        await page.Locator("#suggestions-done").WaitForAsync(); // and the same when the page opens with none
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_ListAnIgnoredFaceInPlace_When_IgnoredAndBroughtBack(int width, int height)
    {
        // Given: the faces to review
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        var group = review[review.GetArrayLength() - 1];
        long[] faces = group.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToArray();
        var page = await Open(server, width, height, "#/review");
        await page.Locator("#review .group").First.WaitForAsync();
        await page.EvaluateAsync("window.notReloaded = true");

        // Then: each face links to its photo; the people a group may be are shown as large as its faces
        foreach (var face in review[0].GetProperty("faces").EnumerateArray())
            Assert.Equal($"#/photo/{face.GetProperty("photo").GetInt64()}",
                await page.Locator($"#review .tile[data-face='{face.GetProperty("face").GetInt64()}'] figcaption a").GetAttributeAsync("href"));
        var candidates = page.Locator("#review .candidate img.face");
        if (await candidates.CountAsync() > 0)
            Assert.True((await candidates.First.BoundingBoxAsync())!.Width >= 90, "a candidate's face is too small to judge");

        // When: a group ignored
        await page.Locator($"#review .group[data-faces='{string.Join(' ', faces)}'] button.ignore").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('ignored')");

        // Then: its faces are in the ignored list at once, no reload
        foreach (long face in faces)
            await page.Locator($"#ignored [data-face='{face}']").WaitForAsync();
        Assert.StartsWith("Ignored (", await page.Locator("#ignored h2").TextContentAsync());
        await Shot(page, "review-ignored-in-place", width);

        // When: one brought back. Then: out of the ignored list, and a group to review again, still no reload
        await page.Locator($"#ignored [data-face='{faces[0]}'] button").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Brought back')");
        await page.Locator($"#review .group[data-faces='{faces[0]}']").WaitForAsync();
        Assert.Equal(0, await page.Locator($"#ignored [data-face='{faces[0]}']").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        Assert.Contains((await server.GetJson("/api/review")).EnumerateArray(),
            g => g.GetProperty("faces").EnumerateArray().Any(f => f.GetProperty("face").GetInt64() == faces[0]));
    }

    [BrowserFact]
    public async Task Should_GiveEveryTapTarget44Pixels_When_OnAPhone()
    {
        await using var server = await fixture.StartAsync();
        long person = (await PeopleIds(server))[0];
        var face = (await server.GetJson($"/api/people/{person}")).GetProperty("faces")[0];
        long photo = face.GetProperty("photo").GetInt64();
        var pages = new Dictionary<string, string>
        {
            ["people"] = "#/people", ["person"] = $"#/person/{person}", ["photo"] = $"#/photo/{photo}", ["review"] = "#/review",
            ["suggestions"] = "#/suggestions", ["search"] = "#/search", ["status"] = "#/status", ["hidden"] = "#/hidden",
        };
        var page = await Open(server, 390, 844, "");
        foreach (var (name, hash) in pages)
        {
            await page.EvaluateAsync("document.getElementById('main').replaceChildren()");
            await page.GotoAsync(server.Address + "/" + hash);
            await page.Locator("main h1").WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            // Every link, button, field and option shown: 44 px each way at least (a checkbox: the face it sits on)
            var small = await page.EvaluateAsync<string[]>("""
                [...document.querySelectorAll("a, button, input, select, [role=option]")].filter(e => e.checkVisibility())
                  .map(e => [e, (e.matches("input[type=checkbox]") ? e.closest("label") : e).getBoundingClientRect()])
                  .filter(([, r]) => r.width < 43.5 || r.height < 43.5)
                  .map(([e, r]) => `${e.outerHTML.slice(0, 90)} ${r.width.toFixed(0)}x${r.height.toFixed(0)}`)
                """);
            Assert.True(small.Length == 0, $"{name}: {string.Join("; ", small)}");
            var header = (await page.Locator("header").BoundingBoxAsync())!;
            Assert.True(header.Height < 64, $"{name}: the header is {header.Height:F0} px tall, more than one row");
        }

        // One name for an unnamed person: on a photo's name tags as everywhere
        await page.GotoAsync(server.Address + $"/#/photo/{photo}");
        await page.Locator($".photo .box a[href='#/person/{person}']").WaitForAsync();
        Assert.Equal($"Unnamed person {person}", await page.Locator($".photo .box a[href='#/person/{person}']").TextContentAsync());
    }
}
