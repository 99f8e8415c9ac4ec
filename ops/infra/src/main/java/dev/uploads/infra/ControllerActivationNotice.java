package dev.uploads.infra;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Logs the KRaft controller's activation notice at INFO, where Kafka logs it at WARN.
 *
 * <p>Every start of the local broker activates its controller, and Kafka reports each activation
 * ("Performing controller activation. The metadata log appears to be empty...") at WARN although
 * nothing is wrong: an operator who sees it on every start learns to skip warnings (KAFKA-16619
 * reworded the message for the same confusion but kept the level). Only that message changes level;
 * every other warning of the controller stays a warning. Used by the broker's logback configuration
 * that {@link KafkaDataDir} writes.
 */
public final class ControllerActivationNotice extends TurboFilter {

  static final String LOGGER = "org.apache.kafka.controller.QuorumController";
  static final String NOTICE = "Performing controller activation.";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.WARN
        || format == null
        || !LOGGER.equals(logger.getName())
        || !format.contains(NOTICE)) {
      return FilterReply.NEUTRAL;
    }
    // Logged again at INFO (this filter lets that through), then the WARN is dropped.
    logger.info(marker, format, params == null ? new Object[0] : params);
    return FilterReply.DENY;
  }
}
