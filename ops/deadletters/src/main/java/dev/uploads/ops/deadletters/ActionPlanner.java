package dev.uploads.ops.deadletters;

import dev.uploads.schema.LetterStatus;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Works out exactly what an action would do: the letters its filter selects, which of them it
 * takes, and why it leaves the others. Changes nothing; a dry run shows this, and an action starts
 * from it in the transaction that records it.
 */
final class ActionPlanner {
  private ActionPlanner() {}

  static Actions.Plan plan(Handle h, ActionRequest request) {
    LetterFilter filter = request.filter();
    if (filter.ids().isEmpty() && filter.statuses().isEmpty()) {
      // A filter without statuses means the letters that still need someone: open and parked.
      filter =
          new LetterFilter(
              null,
              filter.job(),
              LetterStatus.AWAITING_OPERATOR.stream().map(LetterStatus::label).toList(),
              filter.fingerprint(),
              filter.exceptionClass(),
              filter.key(),
              filter.eventType(),
              filter.since(),
              filter.until());
    }
    int ceiling = ActionRequest.MAX_LIMIT + 1;
    List<Letters.Letter> matched =
        filter
            .bind(
                h.createQuery(
                    "SELECT d.id, d.job, d.status, d.event_type, d.event_key, d.event_id,"
                        + " d.exception_class, d.message, d.fingerprint, d.attempt_count,"
                        + " d.replay_count, d.first_failed_at, d.last_failed_at"
                        + " FROM dead_letters d"
                        + LetterFilter.CONDITION
                        + " ORDER BY d.id LIMIT :ceiling"))
            .bind("ceiling", ceiling)
            .map((rs, ctx) -> Letters.letter(rs))
            .list();
    if (!request.filter().ids().isEmpty()) {
      for (Long id : request.filter().ids()) {
        if (matched.stream().noneMatch(l -> l.id() == id)) {
          boolean exists =
              h.createQuery("SELECT count(*) FROM dead_letters WHERE id = :id")
                      .bind("id", id)
                      .mapTo(Long.class)
                      .one()
                  > 0;
          throw exists
              ? OperatorError.conflict("dead letter " + id + " does not match the other criteria")
              : OperatorError.notFound("no dead letter has id " + id);
        }
      }
    }
    List<Actions.Planned> planned = new ArrayList<>();
    int included = 0;
    for (Letters.Letter letter : matched) {
      String refusal = refusal(request, letter);
      planned.add(new Actions.Planned(letter, refusal == null, refusal));
      if (refusal == null) {
        included++;
      } else if (!request.filter().ids().isEmpty()) {
        throw OperatorError.conflict(
            "dead letter " + letter.id() + " cannot be " + past(request.kind()) + ": " + refusal);
      }
    }
    if (included == 0) {
      throw OperatorError.conflict(
          "no dead letter matching "
              + Json.write(request.filter())
              + " can be "
              + past(request.kind())
              + (matched.isEmpty()
                  ? " (none matches)"
                  : ": " + planned.get(0).note() + (matched.size() > 1 ? ", …" : "")));
    }
    if (included > request.max()) {
      throw OperatorError.badInput(
          "the filter selects "
              + (matched.size() >= ceiling ? "more than " + ActionRequest.MAX_LIMIT : included)
              + " letters, more than the maximum of "
              + request.max()
              + " per "
              + request.kind().label()
              + ": narrow the filter, or raise --max if you mean all of them");
    }
    return new Actions.Plan(
        request.kind().label(),
        request.filter(),
        request.includeParked(),
        request.rate(),
        request.max(),
        included,
        planned.size() - included,
        planned);
  }

  /** Why a letter is left out of an action, or null when it is in. */
  private static String refusal(ActionRequest request, Letters.Letter letter) {
    LetterStatus status = LetterStatus.parse(letter.status());
    boolean replay = request.kind() == ActionRequest.Kind.REPLAY;
    if (replay && status == LetterStatus.PARKED && !request.includeParked()) {
      return "parked after "
          + letter.replayCount()
          + " failed replays; replay it only with --include-parked";
    }
    if (status == LetterStatus.REPLAYING) {
      return "a replay of it is in flight";
    }
    if (replay ? !status.replayable(request.includeParked()) : !status.discardable()) {
      return "it is already " + status.label();
    }
    if (replay && letter.eventId() == null) {
      return "the record had no readable event id, so a replay cannot be told apart; discard it";
    }
    return null;
  }

  private static String past(ActionRequest.Kind kind) {
    return kind == ActionRequest.Kind.REPLAY ? "replayed" : "discarded";
  }
}
