using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>The Photos page: people together, and every photo a page at a time, none lost or shown twice.</summary>
public sealed partial class PagesTests
{
    static async Task<HashSet<long>> Shown(IPage page)
    {
        // Scrolled to the end: each page is fetched as the last comes into view.
        await page.ScrollToEndAsync("#photos-more");
        var shown = (await page.Locator("#photos-grid figure").EvaluateAllAsync<long[]>("figures => figures.map(f => Number(f.dataset.photo))")).ToList();
        Assert.Equal(shown.Count, shown.Distinct().Count()); // none shown twice
        return shown.ToHashSet();
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_ShowPeopleTogether_AndEveryPhotoOnce_When_BrowsingPhotos(int width, int height)
    {
        // Given: a face of b drawn on a photo of a, so that the two are in one photo together
        await using var server = await fixture.StartAsync();
        long[] people = await PeopleIds(server);
        long a = people[0], b = people[1];
        long photo = (await server.GetJson($"/api/people/{a}/photos?limit=1")).GetProperty("photos")[0].GetProperty("photo").GetInt64();
        var draw = new HttpRequestMessage(HttpMethod.Post, $"/api/photos/{photo}/faces")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { box = new[] { 0, 0, 64, 64 }, to = b }), Encoding.UTF8, "application/json"),
        };
        draw.Headers.Add("X-FaceAtlas-Request", "1");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(draw)).StatusCode);
        var together = (await server.GetJson($"/api/photos?people={a},{b}&limit=500")).GetProperty("photos").EnumerateArray()
            .Select(p => p.GetProperty("photo").GetInt64()).ToHashSet();

        // When: from a's page to their photos, then "with" b
        var page = await Open(server, width, height, $"#/person/{a}");
        await page.ClickAsync("#photos-with");
        await page.WaitForSelectorAsync("#photos-grid figure");
        await page.ClickAsync("#with-picker input");
        await page.ClickAsync($"#with-picker [data-person='{b}']");
        await page.WaitForURLAsync($"**/#/photos/{a},{b}");
        await page.WaitForSelectorAsync("#photos-grid figure");
        await Shot(page, "photos-together", width);

        // Then: the photos they are in together, the one drawn among them
        Assert.Contains(photo, together);
        Assert.Equal(together, await Shown(page));
        Assert.Contains(" together", await page.Locator("h1").TextContentAsync());
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "nothing wider than the screen");

        // And: every photo, a page at a time (60 a page), each once
        var all = await Open(server, width, height, "#/photos");
        await all.WaitForSelectorAsync("#photos-grid figure");
        int total = (await server.GetJson("/api/photos?limit=1")).GetProperty("total").GetInt32();
        Assert.True(total > 60, $"the catalog's {total} photos make more than one page");
        Assert.Equal(total, (await Shown(all)).Count);
        await Shot(all, "photos-all", width);
    }
}
