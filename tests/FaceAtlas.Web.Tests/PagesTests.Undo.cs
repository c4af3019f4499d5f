using System.Net;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>Corrections taken back (issue 40): the message's "Undo" at once, and the history's after a reload.</summary>
public sealed partial class PagesTests
{
    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_BringBothPeopleBack_When_AMergeIsUndoneAfterAReload(int width, int height)
    {
        // Given: two people, one merged into the other on a person's page
        await using var server = await fixture.StartAsync();
        long[] people = await PeopleIds(server);
        long keep = people[0], gone = people[1];
        await Name(server, gone, "Gone Girl");
        string before = (await server.GetJson("/api/people?hidden=true")).GetRawText();
        var page = await Open(server, width, height, $"#/person/{gone}");
        await page.Locator("#person-photos figure").First.WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ClickAsync("#merge-picker input");
        await page.ClickAsync($"#merge-picker [data-person='{keep}']");
        await page.WaitForSelectorAsync("#message:has-text('Merged')", new() { Timeout = 60_000 });
        Assert.True(await page.Locator("#message button.undo").IsVisibleAsync(), "the merge's message offers no Undo");
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/api/people/{gone}")).StatusCode);

        // When: the page is reloaded, the history opened from the menu, and the merge undone there
        await page.ReloadPageAsync();
        await page.Locator("#person-photos figure").First.WaitForAsync();
        if (await page.Locator("#menu-button").IsVisibleAsync()) await page.ClickAsync("#menu-button");
        await page.ClickAsync("header nav a[href='#/history']");
        var newest = page.Locator("#history li").First;
        await newest.WaitForAsync();
        Assert.Contains("Merged Gone Girl into", await newest.TextContentAsync());
        await Shot(page, "history", width);
        await newest.Locator("button.undo").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Undone: Merged Gone Girl')");

        // Then: both people are back as they were, and the history says the merge is undone, the name now next
        Assert.Equal(before, (await server.GetJson("/api/people?hidden=true")).GetRawText());
        await page.Locator("#history li .undone").First.WaitForAsync();
        await Shot(page, "history-undone", width);
        Assert.True((await server.GetJson("/api/history"))[0].GetProperty("undone").GetBoolean());
        Assert.Equal(1, await page.Locator("#history button.undo").CountAsync()); // on the change before it, the name
        Assert.Contains("Gone Girl", await page.Locator("#history li:has(button.undo)").TextContentAsync());
        var again = new HttpRequestMessage(HttpMethod.Post, "/api/undo") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        again.Headers.Add("X-FaceAtlas-Request", "1");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(again)).StatusCode); // the name given before the merge, the next newest
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_PutFacesBack_When_TheMessagesUndoIsPressedAfterAnIgnore(int width, int height)
    {
        // Given: the review, and a group of faces ignored there
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        long[] faces = review[0].GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToArray();
        string before = (await server.GetJson("/api/review")).GetRawText();
        var page = await Open(server, width, height, "#/review");
        await page.Locator($"#review .group[data-faces='{string.Join(' ', faces)}'] button.ignore").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('ignored')");
        Assert.NotEqual(before, (await server.GetJson("/api/review")).GetRawText());
        await Shot(page, "ignored-undo", width);

        // When: the message's Undo is pressed
        await page.ClickAsync("#message button.undo");
        await page.WaitForSelectorAsync("#message:has-text('Undone: Ignored')");

        // Then: the faces are back in the review, on the page as well, and none is ignored
        Assert.Equal(before, (await server.GetJson("/api/review")).GetRawText());
        await page.Locator($"#review [data-faces~='{faces[0]}']").WaitForAsync();
        Assert.Empty((await server.GetJson("/api/review/ignored")).EnumerateArray());
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_PutTheOldCoverBack_When_TheMessagesUndoIsPressedAfterACoverIsChosen(int width, int height)
    {
        // Given: a person's page, and another of their faces made their cover there
        await using var server = await fixture.StartAsync();
        long person = (await PeopleIds(server))[0];
        var before = await server.GetJson($"/api/people/{person}");
        long cover = before.GetProperty("person").GetProperty("cover").GetInt64();
        long other = before.GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).First(f => f != cover);
        var page = await Open(server, width, height, $"#/person/{person}");
        await page.Locator($"#person-photos [data-face='{other}'] input.pick").CheckAsync();
        await page.ClickAsync("#make-cover");
        await page.WaitForSelectorAsync("#message:has-text('Cover chosen')");
        Assert.Equal(other, (await server.GetJson($"/api/people/{person}")).GetProperty("person").GetProperty("cover").GetInt64());
        await Shot(page, "cover-undo", width);

        // When: the message's Undo is pressed
        await page.ClickAsync("#message button.undo");
        await page.WaitForSelectorAsync("#message:has-text('Undone')");

        // Then: the old cover is back, and the page marks it
        Assert.Equal(cover, (await server.GetJson($"/api/people/{person}")).GetProperty("person").GetProperty("cover").GetInt64());
        await page.Locator($"#person-photos [data-face='{cover}'] .badge").WaitForAsync();
    }
}
