/*
 * survey_db.h — the `hoshi survey` subcommands that work on the surveys of
 * a database (create, invite, close, export, list), each a row of the
 * subcommand table of cmd_survey.c.
 */
#ifndef HOSHI_CLI_SURVEY_DB_H
#define HOSHI_CLI_SURVEY_DB_H

int survey_create(int argc, char **argv);
int survey_invite(int argc, char **argv);
int survey_close(int argc, char **argv);
int survey_export(int argc, char **argv);
int survey_list(int argc, char **argv);

/* The base of invitation links when --base-url is not given: the address
 * `hoshi serve` listens on by default. */
#define SURVEY_DEFAULT_BASE_URL "http://127.0.0.1:8080"

#endif
