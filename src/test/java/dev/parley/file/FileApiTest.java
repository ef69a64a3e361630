package dev.parley.file;

import dev.parley.file.store.FileStore;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;

/** The files API over real HTTP against s3rver and PostgreSQL. */
@QuarkusTest
class FileApiTest {

    @Inject
    FileStore store;

    private static Response multipart(String token, String name, byte[] bytes, Map<String, String> fields) {
        var spec = given().header("Token", token).multiPart("file", name, bytes);
        fields.forEach(spec::multiPart);
        return spec.post("/v1/files");
    }

    private static Response raw(String token, String name, byte[] bytes, String contentType) {
        return given().header("Token", token).queryParam("filename", name).contentType(contentType).body(bytes)
                .post("/v1/files");
    }

    private List<String> objects(String accountId) {
        List<String> keys = new java.util.ArrayList<>(store.list("files/" + accountId + "/"));
        keys.addAll(store.list("tmp/" + accountId + "/"));
        return keys;
    }

    @Test
    void everyAcceptedTypeUploadsByMultipartAndRawBodyWithItsKind() {
        Api.Tenant t = Api.newAccount();
        record Sample(String name, byte[] bytes, String mime, String kind) {
        }
        List<Sample> samples = List.of(
                new Sample("a.jpg", FileSamples.image("jpeg"), "image/jpeg", "image"),
                new Sample("a.png", FileSamples.image("png"), "image/png", "image"),
                new Sample("a.bmp", FileSamples.image("bmp"), "image/bmp", "image"),
                new Sample("a.webp", FileSamples.webp(), "image/webp", "image"),
                new Sample("a.mp3", FileSamples.mp3(), "audio/mpeg", "audio"),
                new Sample("a.ogg", FileSamples.ogg(), "audio/ogg", "audio"),
                new Sample("a.mp4", FileSamples.mp4(), "video/mp4", "video"),
                new Sample("a.pdf", FileSamples.pdf(), "application/pdf", "document"),
                new Sample("a.doc", FileSamples.ole2(), "application/msword", "document"),
                new Sample("a.xls", FileSamples.ole2(), "application/vnd.ms-excel", "document"),
                new Sample("a.docx", FileSamples.docx(),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document"),
                new Sample("a.xlsx", FileSamples.xlsx(),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"),
                new Sample("a.epub", FileSamples.epub(), "application/epub+zip", "document"),
                new Sample("a.txt", FileSamples.txt(), "text/plain", "document"),
                new Sample("a.zip", FileSamples.zip(), "application/zip", "archive"),
                new Sample("a.tar", FileSamples.tar(), "application/x-tar", "archive"),
                new Sample("a.gz", FileSamples.gzip(), "application/gzip", "archive"),
                new Sample("a.rar", FileSamples.rar(), "application/vnd.rar", "archive"));
        List<String> problems = new java.util.ArrayList<>();
        for (Sample s : samples) {
            for (String how : List.of("multipart", "raw")) {
                Response r = how.equals("multipart") ? multipart(t.token(), s.name(), s.bytes(), Map.of())
                        : raw(t.token(), s.name(), s.bytes(), "application/octet-stream");
                if (r.statusCode() != 201 || !s.mime().equals(r.path("mimeType")) || !s.kind().equals(r.path("kind"))) {
                    problems.add(s.name() + " by " + how + ": " + r.statusCode() + " " + r.asString());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void anMp4DeclaredAsGifIsAGif() {
        Api.Tenant t = Api.newAccount();
        raw(t.token(), "loop.mp4", FileSamples.mp4(), "image/gif").then().statusCode(201)
                .body("kind", equalTo("gif")).body("mimeType", equalTo("video/mp4"));
    }

    @Test
    void aRenamedExecutablePosingAsPdfIsRefused415AndLeavesNothing() {
        Api.Tenant t = Api.newAccount();
        multipart(t.token(), "invoice.pdf", FileSamples.executable(), Map.of()).then().statusCode(415)
                .contentType("application/problem+json").body("field", equalTo("file"))
                .body("detail", containsString("application/x-msdownload"));
        raw(t.token(), "invoice.pdf", FileSamples.executable(), "application/pdf").then().statusCode(415);
        assertThat(objects(t.accountId())).isEmpty();
        given().header("Token", t.token()).get("/v1/files").then().body("data.size()", equalTo(0));
    }

    @Test
    void aDeclaredTypeContradictingTheContentIs415NamingTheDetectedType() {
        Api.Tenant t = Api.newAccount();
        raw(t.token(), "a.png", FileSamples.pdf(), "image/png").then().statusCode(415)
                .body("detail", containsString("application/pdf")).body("field", equalTo("file"));
    }

    @Test
    void badInputIsA4xxProblemNamingTheFieldAndLeavesNothingBehind() {
        Api.Tenant t = Api.newAccount();
        given().header("Token", t.token()).multiPart("other", "x").post("/v1/files").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("file"));
        multipart(t.token(), "empty.txt", new byte[0], Map.of()).then().statusCode(400).body("field", equalTo("file"));
        raw(t.token(), "empty.txt", new byte[0], "text/plain").then().statusCode(400).body("field", equalTo("file"));
        raw(t.token(), "x.bin", new byte[]{0, 1, 2, 3, (byte) 0xff, (byte) 0xfe, 7, 9}, "application/octet-stream")
                .then().statusCode(415).body("field", equalTo("file"));
        given().header("Token", t.token()).contentType("multipart/form-data; boundary=zzz")
                .body("--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .post("/v1/files").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("file"));
        multipart(t.token(), "a.txt", FileSamples.txt(), Map.of("expiresAt", "tomorrow")).then().statusCode(400)
                .body("field", equalTo("expiresAt"));
        assertThat(objects(t.accountId())).isEmpty();
        given().header("Token", t.token()).get("/v1/files").then().body("data.size()", equalTo(0));
        given().header("Token", t.token()).get("/v1/files/usage").then().body("usedBytes", equalTo(0));
    }

    @Test
    void anOversizeUploadIs413BeforeTheWholeBodyIsRead() {
        Api.Tenant t = Api.newAccount();
        byte[] png = FileSamples.image("png");
        // Declared length over the image limit: refused on the header alone.
        given().header("Token", t.token()).queryParam("filename", "big.png").contentType("image/png")
                .body(FileSamples.concat(png, new byte[6 * 1024 * 1024]))
                .post("/v1/files").then().statusCode(413).contentType("application/problem+json")
                .body("field", equalTo("file"));
        // No usable length (multipart of an image bigger than 5 MB): the counting stream stops it.
        byte[] big = FileSamples.concat(png, new byte[6 * 1024 * 1024]);
        multipart(t.token(), "big.png", big, Map.of()).then().statusCode(413).body("field", equalTo("file"));
        assertThat(objects(t.accountId())).isEmpty();
        given().header("Token", t.token()).get("/v1/files").then().body("data.size()", equalTo(0));
    }

    @Test
    void duplicatesAreStoredOnceListedTwiceAndTheQuotaCountsStoredBytes() {
        Api.Tenant t = Api.newAccount();
        byte[] pdf = FileSamples.pdf();
        String a = multipart(t.token(), "a.pdf", pdf, Map.of("reference", "r1")).then().statusCode(201).extract().path("id");
        String b = raw(t.token(), "b.pdf", pdf, "application/pdf").then().statusCode(201).extract().path("id");
        assertThat(a).isNotEqualTo(b);
        assertThat(store.list("files/" + t.accountId() + "/")).hasSize(1);
        given().header("Token", t.token()).get("/v1/files/usage").then().body("usedBytes", equalTo(pdf.length))
                .body("files", equalTo(2));
        given().header("Token", t.token()).delete("/v1/files/" + a).then().statusCode(200);
        assertThat(store.list("files/" + t.accountId() + "/")).hasSize(1);
        given().header("Token", t.token()).delete("/v1/files/" + b).then().statusCode(200);
        assertThat(objects(t.accountId())).isEmpty();
        given().header("Token", t.token()).get("/v1/files/usage").then().body("usedBytes", equalTo(0));
    }

    @Test
    void theQuotaRefusesTheUploadThatCrossesItAndDeleteFreesSpace() {
        Api.Tenant t = Api.newAccount();
        byte[] one = FileSamples.concat(FileSamples.pdf(), new byte[3000]);
        byte[] two = FileSamples.concat(FileSamples.pdf(), new byte[3001]);
        given().header("Operator-Key", Api.OPERATOR_KEY).contentType("application/json")
                .body(Map.of("quotaBytes", one.length + 1000)).put("/v1/operator/files/quotas/" + t.accountId())
                .then().statusCode(200).body("quotaBytes", equalTo(one.length + 1000));
        String first = raw(t.token(), "one.pdf", one, "application/pdf").then().statusCode(201).extract().path("id");
        multipart(t.token(), "two.pdf", two, Map.of()).then().statusCode(413)
                .body("detail", containsString("stores " + one.length + " bytes"))
                .body("detail", containsString("1000 bytes free"));
        assertThat(store.list("tmp/" + t.accountId() + "/")).isEmpty();
        given().header("Token", t.token()).delete("/v1/files/" + first).then().statusCode(200);
        multipart(t.token(), "two.pdf", two, Map.of()).then().statusCode(201);
    }

    @Test
    void listingFiltersAndPaginatesNewestFirst() {
        Api.Tenant t = Api.newAccount();
        String png = multipart(t.token(), "photo.png", FileSamples.image("png"), Map.of("reference", "order-7"))
                .then().statusCode(201).extract().path("id");
        String txt = multipart(t.token(), "notes.txt", FileSamples.txt(), Map.of()).then().statusCode(201).extract().path("id");
        String zip = multipart(t.token(), "bundle.zip", FileSamples.zip(), Map.of()).then().statusCode(201).extract().path("id");
        Response page1 = given().header("Token", t.token()).queryParam("size", 2).get("/v1/files");
        page1.then().statusCode(200).body("data.size()", equalTo(2));
        List<String> ids = page1.path("data.id");
        Response page2 = given().header("Token", t.token()).queryParam("size", 2)
                .queryParam("cursor", (String) page1.path("next")).get("/v1/files");
        ids = new java.util.ArrayList<>(ids);
        ids.addAll(page2.path("data.id"));
        assertThat(ids).containsExactlyInAnyOrder(png, txt, zip);
        assertThat((String) page2.path("next")).isNull();
        given().header("Token", t.token()).queryParam("type", "image").get("/v1/files").then()
                .body("data.id", equalTo(List.of(png)));
        given().header("Token", t.token()).queryParam("name", "NOTES").get("/v1/files").then()
                .body("data.id", equalTo(List.of(txt)));
        given().header("Token", t.token()).queryParam("reference", "order-7").get("/v1/files").then()
                .body("data.id", equalTo(List.of(png)));
        given().header("Token", t.token()).queryParam("type", "video").get("/v1/files").then()
                .body("data.size()", equalTo(0));
        given().header("Token", t.token()).queryParam("type", "sculpture").get("/v1/files").then().statusCode(400)
                .body("field", equalTo("type"));
    }

    @Test
    void downloadStreamsTheBytesWithDispositionAndRanges() throws Exception {
        Api.Tenant t = Api.newAccount();
        byte[] txt = FileSamples.txt();
        Response up = multipart(t.token(), "notes 2024.txt", txt, Map.of("expiration", "7d"));
        up.then().statusCode(201).body("sha256", equalTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(txt))));
        String id = up.path("id");
        Response whole = given().header("Token", t.token()).get("/v1/files/" + id + "/download");
        whole.then().statusCode(200).header("Content-Disposition", containsString("attachment"))
                .header("Accept-Ranges", "bytes");
        assertThat(whole.asByteArray()).isEqualTo(txt);
        Response part = given().header("Token", t.token()).header("Range", "bytes=6-9").get("/v1/files/" + id + "/download");
        part.then().statusCode(206).header("Content-Range", "bytes 6-9/" + txt.length);
        assertThat(new String(part.asByteArray())).isEqualTo("from");
        given().header("Token", t.token()).header("Range", "bytes=9999-").get("/v1/files/" + id + "/download")
                .then().statusCode(416);
        given().header("Token", t.token()).get("/v1/files/" + id).then().statusCode(200)
                .body("name", equalTo("notes 2024.txt"));
    }

    @Test
    void anotherAccountsFileIsNotFound() {
        Api.Tenant owner = Api.newAccount();
        Api.Tenant other = Api.newAccount();
        String id = multipart(owner.token(), "a.txt", FileSamples.txt(), Map.of()).then().statusCode(201)
                .extract().path("id");
        for (Response r : List.of(given().header("Token", other.token()).get("/v1/files/" + id),
                given().header("Token", other.token()).get("/v1/files/" + id + "/download"),
                given().header("Token", other.token()).delete("/v1/files/" + id))) {
            r.then().statusCode(404).contentType("application/problem+json").body("field", equalTo("id"));
        }
        given().header("Token", owner.token()).get("/v1/files/" + id).then().statusCode(200);
    }

    @Test
    void uploadsNeedAToken() {
        given().multiPart("file", "a.txt", FileSamples.txt()).post("/v1/files").then().statusCode(401)
                .contentType("application/problem+json");
    }
}
