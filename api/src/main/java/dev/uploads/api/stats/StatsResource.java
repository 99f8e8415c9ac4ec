package dev.uploads.api.stats;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uploads.api.auth.Account;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** {@code GET /v1/stats}: the caller's counters as the stats job computed them. */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {
  private final Dao stats;

  public StatsResource(Jdbi jdbi) {
    this.stats = jdbi.onDemand(Dao.class);
  }

  @GET
  public Stats get(@Context SecurityContext security) {
    UUID account = ((Account) security.getUserPrincipal()).id();
    List<Day> days = stats.days(account);
    Day total =
        days.stream()
            .reduce(
                new Day(null, 0, 0, 0, 0, 0),
                (a, b) ->
                    new Day(
                        null,
                        a.uploadsReceived + b.uploadsReceived,
                        a.bytesReceived + b.bytesReceived,
                        a.thumbnailsMade + b.thumbnailsMade,
                        a.emailsSent + b.emailsSent,
                        a.deadLetters + b.deadLetters));
    return new Stats(total, days);
  }

  public record Stats(@JsonProperty("total") Day total, @JsonProperty("days") List<Day> days) {}

  public record Day(
      @JsonProperty("day") LocalDate day,
      @JsonProperty("uploads_received") long uploadsReceived,
      @JsonProperty("bytes_received") long bytesReceived,
      @JsonProperty("thumbnails_made") long thumbnailsMade,
      @JsonProperty("emails_sent") long emailsSent,
      @JsonProperty("dead_letters") long deadLetters) {}

  @RegisterConstructorMapper(Day.class)
  public interface Dao {
    @SqlQuery(
        """
        SELECT day, uploads_received, bytes_received, thumbnails_made, emails_sent, dead_letters
        FROM account_stats WHERE account_id = :account ORDER BY day DESC LIMIT 366
        """)
    List<Day> days(@Bind("account") UUID account);
  }
}
