package dev.uploads.worker.thumbnails;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uploads.schema.blob.ImageType;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of image the API accepts makes upright thumbnails of the sizes they claim. */
class AcceptedImagesTest {
  private final Thumbnailer thumbnailer =
      new Thumbnailer(Thumbnailer.DEFAULT_MAX_PIXELS, new int[] {128, 512});

  static List<AcceptedImages.Sample> samples() {
    return AcceptedImages.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void makesUprightThumbnailsOfTheirTrueSize(AcceptedImages.Sample sample) throws Exception {
    assertEquals(
        sample.contentType(),
        ImageType.sniff(sample.bytes(), sample.bytes().length).orElseThrow().mediaType(),
        "the API recognises it");
    List<Thumbnail> thumbnails = thumbnailer.make(sample.bytes());

    assertEquals(2, thumbnails.size());
    Thumbnail small = thumbnails.get(0);
    assertEquals(128, small.requestedWidth());
    assertEquals(128, small.width());
    assertEquals(85, small.height());
    // 512 is wider than the picture: it is not upscaled.
    Thumbnail large = thumbnails.get(1);
    assertEquals(512, large.requestedWidth());
    assertEquals(AcceptedImages.WIDTH, large.width());
    assertEquals(AcceptedImages.HEIGHT, large.height());
    for (Thumbnail thumbnail : thumbnails) {
      BufferedImage decoded = SampleImages.decode(thumbnail.bytes());
      assertEquals(thumbnail.width(), decoded.getWidth());
      assertEquals(thumbnail.height(), decoded.getHeight());
      AcceptedImages.assertUpright(sample.name(), decoded);
    }
  }
}
