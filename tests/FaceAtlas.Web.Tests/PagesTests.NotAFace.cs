using System.Text.Json;
using Microsoft.Playwright;

namespace FaceAtlas.Web.Tests;

/// <summary>"Not a face" (issue 40) on the photo page, the person page and the review cards, with its Undo, at desktop and phone sizes.</summary>
public sealed partial class PagesTests
{
    static async Task<List<long>> FacesOf(Server server, long person) =>
        (await server.GetJson($"/api/people/{person}")).GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToList();

    static async Task<JsonElement?> FaceInPhoto(Server server, long photo, long face) =>
        (await server.GetJson($"/api/photos/{photo}")).GetProperty("faces").EnumerateArray().Cast<JsonElement?>()
            .FirstOrDefault(f => f!.Value.GetProperty("face").GetInt64() == face);

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_RemoveADetection_When_SaidNotAFaceOnThePhotoPage_AndBringItBackOnUndo(int width, int height)
    {
        // Given: a face of the largest person, on its photo's page
        await using var server = await fixture.StartAsync();
        long person = (await PeopleIds(server))[0];
        var face = (await server.GetJson($"/api/people/{person}")).GetProperty("faces")[0];
        long faceId = face.GetProperty("face").GetInt64(), photo = face.GetProperty("photo").GetInt64();
        int facesBefore = (await PersonOf(server, person)).GetProperty("faces").GetInt32();
        var page = await Open(server, width, height, $"#/photo/{photo}");
        var button = page.Locator($"#photo-faces [data-face='{faceId}'] button.not-face");
        await button.WaitForAsync();
        var size = (await button.BoundingBoxAsync())!;
        Assert.True(size.Height >= 44 && size.Width >= 44, $"'Not a face' is {size.Width}x{size.Height}");
        await Shot(page, "photo-faces", width);

        // When: said not to be a face
        await button.ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('not a face')");

        // Then: its box and tile are gone, it left its person, and the message offers an Undo
        await page.Locator($"#photo-faces [data-face='{faceId}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(0, await page.Locator($".photo .box[data-face='{faceId}']").CountAsync());
        Assert.Null(await FaceInPhoto(server, photo, faceId));
        Assert.Equal(facesBefore - 1, (await PersonOf(server, person)).GetProperty("faces").GetInt32());
        var undo = page.Locator("#message button#undo");
        Assert.True((await undo.BoundingBoxAsync())!.Height >= 44);
        await Shot(page, "photo-not-a-face", width);

        // When: undone. Then: a face again on the photo, in the person it was in, as before
        await undo.ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('Undone:')");
        await page.Locator($".photo .box[data-face='{faceId}']").WaitForAsync();
        var back = await FaceInPhoto(server, photo, faceId);
        Assert.NotNull(back);
        Assert.Equal(person, back.Value.GetProperty("person").GetInt64());
        Assert.Equal(facesBefore, (await PersonOf(server, person)).GetProperty("faces").GetInt32());
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_RemoveSelectedDetections_When_SaidNotFacesOnAPersonsPage(int width, int height)
    {
        await using var server = await fixture.StartAsync();
        long person = (await PeopleIds(server))[0];
        var faces = await FacesOf(server, person);
        var page = await Open(server, width, height, $"#/person/{person}");
        await page.Locator("#person-photos figure").First.WaitForAsync();

        // When: two faces selected and said not to be faces
        await page.Locator($"#person-photos [data-face='{faces[0]}'] input.pick").CheckAsync();
        await page.Locator($"#person-photos [data-face='{faces[1]}'] input.pick").CheckAsync();
        await Shot(page, "person-selected-not-a-face", width);
        await page.ClickAsync("#not-a-face");
        await page.WaitForSelectorAsync("#message:has-text('2 detections removed')");

        // Then: the page shows the person without them, and so does the catalog
        await page.Locator($"#person-photos [data-face='{faces[0]}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(0, await page.Locator($"#person-photos [data-face='{faces[1]}']").CountAsync());
        Assert.Equal(faces.Skip(2).Order(), (await FacesOf(server, person)).Order());
        await Shot(page, "person-not-a-face", width);
    }

    [BrowserTheory]
    [MemberData(nameof(ReviewTests.Sizes), MemberType = typeof(ReviewTests))]
    public async Task Should_TakeAGroupOutOfReview_When_SaidNotFaces_AndBringItBackOnUndo(int width, int height)
    {
        await using var server = await fixture.StartAsync();
        var review = await server.GetJson("/api/review");
        long[] faces = review[0].GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("face").GetInt64()).ToArray();
        var page = await Open(server, width, height, "#/review");
        var group = page.Locator($"#review .group[data-faces='{string.Join(' ', faces)}']");
        await group.WaitForAsync();

        // When: the group said not to be faces
        await group.Locator("button.not-face").ClickAsync();
        await page.WaitForSelectorAsync("#message:has-text('removed')");

        // Then: the card is gone, and the faces are out of the review and not among the ignored
        await group.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        var left = (await server.GetJson("/api/review")).EnumerateArray().SelectMany(g => g.GetProperty("faces").EnumerateArray()).Select(f => f.GetProperty("face").GetInt64());
        Assert.Empty(left.Intersect(faces));
        Assert.Empty((await server.GetJson("/api/review/ignored")).EnumerateArray());
        await Shot(page, "review-not-a-face", width);

        // When: undone. Then: the group is back to review, on the page and in the catalog
        await page.ClickAsync("#message button#undo");
        await page.WaitForSelectorAsync("#message:has-text('Undone:')");
        await group.WaitForAsync();
        var again = (await server.GetJson("/api/review")).EnumerateArray().SelectMany(g => g.GetProperty("faces").EnumerateArray()).Select(f => f.GetProperty("face").GetInt64());
        Assert.Equal(faces.Order(), again.Intersect(faces).Order());
    }
}
