// The requests the original LogPilot Java SDK's REST client makes, with the JDK's own HttpClient and nothing
// else: same paths, headers and JSON bodies (Jackson's default LocalDateTime array form for the timestamp,
// null fields left out), and the same client defaults (HTTP/2 preferred, so every request on cleartext
// offers an h2c upgrade). One line per call: "<name> <status> <body>"; the test reads them.
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;

public class SdkRestCalls {
    static HttpClient client;
    static String server;
    static String apiKey;

    // Jackson's JavaTimeModule with WRITE_DATES_AS_TIMESTAMPS (the SDK's ObjectMapper): an array, seconds and
    // nanoseconds only when non-zero.
    static String jacksonArray(LocalDateTime t) {
        StringBuilder out = new StringBuilder("[").append(t.getYear()).append(',').append(t.getMonthValue())
                .append(',').append(t.getDayOfMonth()).append(',').append(t.getHour()).append(',')
                .append(t.getMinute());
        if (t.getSecond() > 0 || t.getNano() > 0) {
            out.append(',').append(t.getSecond());
            if (t.getNano() > 0) {
                out.append(',').append(t.getNano());
            }
        }
        return out.append(']').toString();
    }

    static String entry(String channel, String level, String message, String meta, LocalDateTime t) {
        return "{\"channel\":\"" + channel + "\",\"level\":\"" + level + "\",\"message\":\"" + message + "\""
                + (meta == null ? "" : ",\"meta\":" + meta) + ",\"timestamp\":" + jacksonArray(t) + "}";
    }

    static void post(String name, String path, String json, boolean chunked) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofString(json);
        HttpRequest.Builder builder = HttpRequest.newBuilder().uri(URI.create(server + path))
                .header("Content-Type", "application/json").POST(publisher);
        if (apiKey != null) {
            builder.header("X-API-KEY", apiKey);
        }
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(name + " " + response.statusCode() + " " + response.version() + " " + response.body());
    }

    static void get(String name, String path) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder().uri(URI.create(server + path))
                .header("Accept", "application/json").GET();
        if (apiKey != null) {
            builder.header("X-API-KEY", apiKey);
        }
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(name + " " + response.statusCode() + " " + response.version() + " " + response.body());
    }

    static String seek(String channel, String consumerId, String operation, Long logId) {
        return String.format("{\"channel\":\"%s\",\"consumerId\":\"%s\",\"operation\":\"%s\"%s}",
                channel, consumerId, operation, logId != null ? ",\"logId\":" + logId : "");
    }

    public static void main(String[] args) throws Exception {
        server = args[0];
        apiKey = args[1];
        client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(5000)).build();
        LocalDateTime t1 = LocalDateTime.of(2025, 9, 25, 10, 30, 0, 123456789);
        LocalDateTime t2 = LocalDateTime.of(2025, 9, 25, 10, 30, 0);
        LocalDateTime t3 = LocalDateTime.of(2025, 9, 25, 10, 31, 5);

        post("log", "/api/logs", entry("java", "INFO", "single", "{\"userId\":123}", t1), false);
        post("logBatch", "/api/logs/batch", "[" + entry("java", "WARN", "batch-1", null, t2) + ","
                + entry("java", "ERROR", "batch-2", "{\"k\":\"v\"}", t3) + "]", false);
        post("logBatchChunked", "/api/logs/batch", "[" + entry("java", "DEBUG", "chunked", null, t3) + "]", true);
        post("logBatchEmpty", "/api/logs/batch", "[]", false);
        get("getLogs", "/api/logs/java?consumerId=sdk&limit=10");
        get("getAllLogs", "/api/logs?limit=2");
        post("seekToBeginning", "/api/logs/seek", seek("java", "sdk", "EARLIEST", null), false);
        get("getLogsAgain", "/api/logs/java?consumerId=sdk&limit=1");
        post("seekToId", "/api/logs/seek", seek("java", "sdk", "SPECIFIC", 3L), false);
        post("seekToEnd", "/api/logs/seek", seek("java", "sdk", "LATEST", null), false);
        apiKey = "wrong-key";
        post("logWrongKey", "/api/logs", entry("java", "INFO", "refused", null, t1), false);
    }
}
