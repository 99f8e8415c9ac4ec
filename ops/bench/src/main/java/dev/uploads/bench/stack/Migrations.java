package dev.uploads.bench.stack;

import java.sql.Connection;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Applies the schema module's changelog ({@code db/changelog.sql}, the file the API's {@code db
 * migrate} uses) to another database. Called directly rather than through {@code db migrate}
 * because that command reconfigures (and resets) the logging of the API already running in this
 * JVM.
 */
public final class Migrations {
  private Migrations() {}

  public static void apply(String jdbcUrl) throws Exception {
    try (Connection connection = Sql.connect(jdbcUrl)) {
      Database database =
          DatabaseFactory.getInstance()
              .findCorrectDatabaseImplementation(new JdbcConnection(connection));
      Scope.child(
          Scope.Attr.resourceAccessor.name(),
          new ClassLoaderResourceAccessor(Migrations.class.getClassLoader()),
          () ->
              new CommandScope(UpdateCommandStep.COMMAND_NAME)
                  .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                  .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, "db/changelog.sql")
                  .execute());
    }
  }
}
