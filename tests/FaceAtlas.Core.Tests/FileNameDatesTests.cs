using FaceAtlas.Core.Catalog;
using FaceAtlas.Core.Indexing;

namespace FaceAtlas.Core.Tests;

/// <summary>Dates in the names phones, cameras and apps give their files, and names that only look like dates.</summary>
public sealed class FileNameDatesTests
{
    /// <summary>The clock the tests read names against: a name more than two days after it is in the future.</summary>
    static readonly DateTime Now = new(2026, 12, 4, 12, 0, 0);

    [Theory]
    // Android cameras, Google Camera's panoramas and motion photos; a second shot in the same second; any case
    [InlineData("IMG_20190704_153000.jpg", "2019-07-04T15:30:00")]
    [InlineData("IMG_20190704_153000_1.jpg", "2019-07-04T15:30:00")]
    [InlineData("IMG_20190704_153000_HDR.jpg", "2019-07-04T15:30:00")]
    [InlineData("IMG_20190704_153000~2.jpg", "2019-07-04T15:30:00")]
    [InlineData("img_20190704_153000.jpeg", "2019-07-04T15:30:00")]
    [InlineData("VID_20190704_153000.mp4", "2019-07-04T15:30:00")]
    [InlineData("PANO_20190704_153000.jpg", "2019-07-04T15:30:00")]
    [InlineData("MVIMG_20190704_153000.jpg", "2019-07-04T15:30:00")]
    // Pixel from 2020: UTC, and said so
    [InlineData("PXL_20190704_153000123.jpg", "2019-07-04T15:30:00+00:00")]
    [InlineData("PXL_20190704_153000123.MP.jpg", "2019-07-04T15:30:00+00:00")]
    [InlineData("PXL_20190704_153000123.NIGHT.jpg", "2019-07-04T15:30:00+00:00")]
    [InlineData("PXL_20190704_153000123.mp4", "2019-07-04T15:30:00+00:00")]
    // Google Camera's bursts
    [InlineData("00000IMG_00000_BURST20190704153000123_COVER.jpg", "2019-07-04T15:30:00")]
    [InlineData("00001IMG_00001_BURST20190704153000123.jpg", "2019-07-04T15:30:00")]
    [InlineData("00100dPORTRAIT_00100_BURST20190704153000123_COVER.jpg", "2019-07-04T15:30:00")]
    [InlineData("BURST20190704153000.jpg", "2019-07-04T15:30:00")]
    // Samsung's camera
    [InlineData("20190704_153000.jpg", "2019-07-04T15:30:00")]
    [InlineData("20190704_153000(0).jpg", "2019-07-04T15:30:00")]
    [InlineData("20190704_153000_001.jpg", "2019-07-04T15:30:00")]
    [InlineData("20190704_153000.mp4", "2019-07-04T15:30:00")]
    // WhatsApp's own folders: the day alone
    [InlineData("IMG-20190704-WA0001.jpg", "2019-07-04")]
    [InlineData("IMG-20190704-WA0001.jpeg", "2019-07-04")]
    [InlineData("VID-20190704-WA0001.mp4", "2019-07-04")]
    // Android's screenshots (Samsung adds the app)
    [InlineData("Screenshot_20190704-153000.png", "2019-07-04T15:30:00")]
    [InlineData("Screenshot_20190704-153000_Chrome.jpg", "2019-07-04T15:30:00")]
    [InlineData("Screenshot_2019-07-04-15-30-00.png", "2019-07-04T15:30:00")]
    [InlineData("Screenshot_2019-07-04-15-30-00-123_com.android.chrome.jpg", "2019-07-04T15:30:00")]
    // macOS screenshots: 24-hour, and 12-hour with a space, a no-break space or a narrow no-break space before PM
    [InlineData("Screenshot 2019-07-04 at 15.30.00.png", "2019-07-04T15:30:00")]
    [InlineData("Screenshot 2019-07-04 at 15.30.00 (2).png", "2019-07-04T15:30:00")]
    [InlineData("Screen Shot 2019-07-04 at 3.30.00 PM.png", "2019-07-04T15:30:00")]
    [InlineData("Screen Shot 2019-07-04 at 12.05.00 AM.png", "2019-07-04T00:05:00")]
    [InlineData("Screen Shot 2019-07-04 at 12.05.00 PM.png", "2019-07-04T12:05:00")]
    [InlineData("Screenshot 2019-07-04 at 3.30.00\u00A0PM.png", "2019-07-04T15:30:00")]
    [InlineData("Screenshot 2019-07-04 at 3.30.00\u202FPM.png", "2019-07-04T15:30:00")]
    // WhatsApp's exports
    [InlineData("WhatsApp Image 2019-07-04 at 15.30.00.jpeg", "2019-07-04T15:30:00")]
    [InlineData("WhatsApp Image 2019-07-04 at 15.30.00 (1).jpeg", "2019-07-04T15:30:00")]
    [InlineData("WhatsApp Video 2019-07-04 at 3.30.00 PM.mp4", "2019-07-04T15:30:00")]
    // Windows' Snipping Tool, Signal, Telegram Desktop
    [InlineData("Screenshot 2019-07-04 153000.png", "2019-07-04T15:30:00")]
    [InlineData("signal-2019-07-04-153000.jpg", "2019-07-04T15:30:00")]
    [InlineData("signal-2019-07-04-153000_001.jpg", "2019-07-04T15:30:00")]
    [InlineData("signal-2019-07-04-15-30-00-123.jpg", "2019-07-04T15:30:00")]
    [InlineData("photo_2019-07-04_15-30-00.jpg", "2019-07-04T15:30:00")]
    [InlineData("video_2019-07-04_15-30-00.mp4", "2019-07-04T15:30:00")]
    // The name is read, not the folders above it
    [InlineData("/photos/2001/IMG_20190704_153000.jpg", "2019-07-04T15:30:00")]
    // Within two days of now: a camera a time zone ahead
    [InlineData("IMG_20261205_230000.jpg", "2026-12-05T23:00:00")]
    public void Should_ReadTheDate_When_TheNameCarriesOne(string name, string expected)
    {
        // When
        var date = FileNameDates.Read(name, Now);

        // Then
        Assert.NotNull(date);
        Assert.Equal(expected, date.Value.Text);
        Assert.Equal(DateSource.FileName, date.Value.Source);
        Assert.Equal("filename", date.Value.SourceName);
        Assert.Equal(expected.Length == 10, date.Value.DayOnly);
    }

    [Theory]
    // Counters, not dates
    [InlineData("IMG_1234.JPG")]
    [InlineData("DSC_0001.JPG")]
    [InlineData("P1000244.JPG")]
    [InlineData("GOPR8508.GPR")]
    [InlineData("Snapchat-1234567890.jpg")]
    [InlineData("IMG-20190704-153000.jpg")]
    // Dates that do not exist
    [InlineData("20191345_999999.jpg")]
    [InlineData("20190230_120000.jpg")]
    [InlineData("IMG_20190704_253000.jpg")]
    [InlineData("IMG_20190704_156000.jpg")]
    [InlineData("IMG_20190704_153060.jpg")]
    [InlineData("IMG_20190700_153000.jpg")]
    [InlineData("Screen Shot 2019-07-04 at 13.30.00 PM.png")]
    [InlineData("Screen Shot 2019-07-04 at 0.30.00 AM.png")]
    [InlineData("IMG-20190231-WA0001.jpg")]
    // The future, and before 1900
    [InlineData("IMG_20991231_120000.jpg")]
    [InlineData("IMG_20261207_120000.jpg")]
    [InlineData("IMG-20270101-WA0001.jpg")]
    [InlineData("IMG_18990704_153000.jpg")]
    [InlineData("IMG_00000000_000000.jpg")]
    // Longer or shorter numbers than the form's
    [InlineData("IMG_201907041_153000.jpg")]
    [InlineData("IMG_2019070_153000.jpg")]
    [InlineData("IMG_20190704_1530001234.jpg")]
    [InlineData("120190704_153000.jpg")]
    [InlineData("20190704_1530001.jpg")]
    [InlineData("Screenshot_20190704-15300.png")]
    // A date inside the name, not at its start; digits of another script
    [InlineData("holiday IMG_20190704_153000.jpg")]
    [InlineData("IMG_٢٠١٩٠٧٠٤_١٥٣٠٠٠.jpg")]
    [InlineData("")]
    public void Should_ReadNoDate_When_TheNameOnlyLooksLikeOne(string name)
    {
        Assert.Null(FileNameDates.Read(name, Now));
    }
}
