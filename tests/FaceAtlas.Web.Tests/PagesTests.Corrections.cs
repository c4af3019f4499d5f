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
        await page.ReloadAsync();

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
        await page.ReloadAsync();
        await page.Locator("#person-photos figure").First.WaitForAsync();
        Assert.Equal("Dorothy Vaughan", await page.InputValueAsync("#person-name"));

        // And a name typed, the field never left, the page reloaded at once: saved as the page goes
        await page.FillAsync("#person-name", "Mary Jackson");
        await page.ReloadAsync();
        Assert.True(await Until(async () => (await PersonOf(server, people[1])).GetProperty("name").GetString() == "Mary Jackson"),
            "a name typed and not yet saved when the page was reloaded was lost");

        // A name emptied is not saved: the name comes back
        await page.Locator("#person-photos figure").First.WaitForAsync();
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

}
