package dev.uploads.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whatever name a client sends, the upload keeps a safe display name: one segment, no controls. */
class FileNamesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestApi api;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    api = TestApi.start(false);
    key = api.newApiKey();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "../../../etc/passwd.png | passwd.png",
        "C:\\Users\\someone\\Desktop\\photo.jpg | photo.jpg",
        "/var/tmp/../x/holiday.gif | holiday.gif",
        "ph\u0007o\u0001to\u007f.jpg | photo.jpg",
        "invoice\u202Egpj.exe | invoicegpj.exe",
        "写真 フォト Фото صورة 👨\u200D👩\u200D👧\u200D👦🇯🇵.jpg"
            + " | 写真 フォト Фото صورة 👨\u200D👩\u200D👧\u200D👦🇯🇵.jpg",
        "e\u0301te\u0301.webp | \u00e9t\u00e9.webp",
      })
  void storedNameIsTheLastSegmentWithoutControls(String sent, String stored) throws Exception {
    assertEquals(stored, storedName(sent));
  }

  @Test
  void lineBreaksNeverSurviveInAName() throws Exception {
    assertEquals("reportfinal.png", storedName("report\rfinal.png"));
    // CRLF ends the part's header line: what follows is another header, not part of the name.
    assertEquals("report", storedName("report\r\nX-Injected: yes.png"));
  }

  @Test
  void pathOnlyNamesLeaveNoName() throws Exception {
    assertTrue(upload("../../").get("filename").isNull());
    assertTrue(upload("\u0000\u0001").get("filename").isNull());
  }

  @Test
  void longNamesAreCutToFitWithTheirExtension() throws Exception {
    String longAscii = storedName("a".repeat(4_996) + ".jpg");
    assertEquals("a".repeat(251) + ".jpg", longAscii);
    assertEquals(255, utf8(longAscii));

    // Three bytes a character: cut between characters, never inside one.
    String longKanji = storedName("写".repeat(1_000) + ".png");
    assertEquals("写".repeat(83) + ".png", longKanji);
    assertTrue(utf8(longKanji) <= 255);

    // Emoji are four bytes (two UTF-16 units): a cut never splits a pair.
    String longEmoji = storedName("😀".repeat(300) + ".gif");
    assertEquals("😀".repeat(62) + ".gif", longEmoji);
  }

  @Test
  void rawBodiesTakeTheirNameFromContentDispositionTheSameWay() throws Exception {
    HttpResponse<String> posted =
        api.send(
            HttpRequest.newBuilder(api.uri("/v1/uploads"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "image/jpeg")
                .header("Content-Disposition", "attachment; filename=\"../../../etc/passwd.png\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Images.jpeg()))
                .build());
    assertEquals(202, posted.statusCode(), posted.body());
    String id = JSON.readTree(posted.body()).get("id").asText();
    assertEquals(
        "passwd.png",
        JSON.readTree(api.get("/v1/uploads/" + id, key).body()).get("filename").asText());
  }

  private static String storedName(String sent) throws Exception {
    JsonNode accepted = upload(sent);
    assertEquals(accepted.get("filename"), fetched(accepted).get("filename"));
    return accepted.get("filename").asText();
  }

  private static JsonNode upload(String filename) throws Exception {
    HttpResponse<String> posted =
        api.send(
            Multipart.request(
                api.uri("/v1/uploads"), key, null, filename, "image/jpeg", Images.jpeg()));
    assertEquals(202, posted.statusCode(), posted.body());
    return JSON.readTree(posted.body());
  }

  private static JsonNode fetched(JsonNode accepted) throws Exception {
    return JSON.readTree(api.get("/v1/uploads/" + accepted.get("id").asText(), key).body());
  }

  private static int utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
