/*
 * store_survey.h — surveys of declarants in the store (issue 9): the
 * survey records, invitations (one per declared organisation, reached by
 * a random token of which only a hash is kept), responses (a draft saved
 * page by page, then one submission with a snapshot of the organisation's
 * attributes and a respondent number), the export read and the operator's
 * progress figures.  Errors as in hoshi/store.h.
 *
 * To the store a questionnaire definition is an opaque blob and answers an
 * opaque text (both are the survey module's encodings): it never looks
 * inside them, so it does not depend on the questionnaire engine.  The
 * caller extracts the few plain fields it needs (form_id, title,
 * version).
 *
 * Dates are "YYYY-MM-DD".  Whether a survey answers depends on the day,
 * which the caller passes as `today` (the server's local date), so the
 * outcome is the same for every call made that day and tests can choose
 * the day.  A survey answers (is HOSHI_SURVEY_OPEN) when the operator has
 * not closed it and today lies within opens_on..closes_on (each end
 * inclusive, an empty one unbounded).
 *
 * An operation that saves or submits answers returns HOSHI_OK only when
 * it stored them; otherwise HOSHI_ERR_NOTFOUND (unknown invitation),
 * HOSHI_ERR_INPUT (already submitted, survey not open, bad text) or the
 * store's failure, and *outcome says which, so the server maps them to
 * 404, 409 and 410 without reading the detail text.
 */
#ifndef HOSHI_STORE_SURVEY_H
#define HOSHI_STORE_SURVEY_H

#include <stdbool.h>
#include <stddef.h>

#include "hoshi/error.h"
#include "hoshi/store.h"
#include "hoshi/store_registry.h"

/* Limits: text in characters, the two opaque payloads in bytes. */
#define HOSHI_STORE_FORM_ID_CHARS 64
#define HOSHI_STORE_TITLE_CHARS 200
#define HOSHI_STORE_VERSION_CHARS 32
#define HOSHI_STORE_DEFINITION_MAX (1024 * 1024) /* a definition blob */
#define HOSHI_STORE_ANSWERS_MAX (256 * 1024)     /* a response's answers text */
/* An invitation token: 32 random bytes (256 bits) in base64url without
 * padding. */
#define HOSHI_STORE_INVITE_TOKEN_CHARS 43
#define HOSHI_STORE_INVITE_TOKEN HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_INVITE_TOKEN_CHARS)
/* JSIC divisions A..T. */
#define HOSHI_STORE_INDUSTRIES 20

typedef enum hoshi_survey_state {
    HOSHI_SURVEY_OPEN = 0,
    HOSHI_SURVEY_CLOSED,       /* closed by the operator: for good */
    HOSHI_SURVEY_NOT_YET_OPEN, /* today is before opens_on */
    HOSHI_SURVEY_ENDED         /* today is after closes_on */
} hoshi_survey_state;

typedef enum hoshi_response_state {
    HOSHI_RESPONSE_NONE = 0,   /* nothing saved yet */
    HOSHI_RESPONSE_STARTED,    /* a draft saved, not submitted */
    HOSHI_RESPONSE_SUBMITTED
} hoshi_response_state;

/* What became of answers handed to the store (the HTTP status the
 * answering page gives for each). */
typedef enum hoshi_answers_outcome {
    HOSHI_ANSWERS_STORED = 0,
    HOSHI_ANSWERS_UNKNOWN,           /* no such invitation (404) */
    HOSHI_ANSWERS_ALREADY_SUBMITTED, /* nothing changed (409) */
    HOSHI_ANSWERS_NOT_OPEN,          /* closed, not yet open or ended: nothing changed (410) */
    HOSHI_ANSWERS_BAD_INPUT,         /* text too long or not UTF-8, a bad page or day: a caller's bug */
    HOSHI_ANSWERS_FAILED             /* the store failed (HOSHI_ERR_IO, _NOMEM): nothing changed */
} hoshi_answers_outcome;

/* Invited, started (a draft saved, not submitted) and submitted: disjoint,
 * so invited >= started + submitted and the response rate is
 * submitted / invited. */
typedef struct hoshi_survey_counts {
    long long invited, started, submitted;
} hoshi_survey_counts;

typedef struct hoshi_survey {
    long long id;
    char form_id[HOSHI_STORE_UTF8_SIZE(HOSHI_STORE_FORM_ID_CHARS)];
    char title[HOSHI_STORE_UTF8_SIZE(HOSHI_STORE_TITLE_CHARS)];
    char version[HOSHI_STORE_UTF8_SIZE(HOSHI_STORE_VERSION_CHARS)];
    char created_on[HOSHI_STORE_DATE];
    char opens_on[HOSHI_STORE_DATE];  /* "" when unbounded */
    char closes_on[HOSHI_STORE_DATE]; /* "" when unbounded */
    char closed_on[HOSHI_STORE_DATE]; /* the day the operator closed it, "" while not */
    hoshi_survey_state state;         /* on the `today` of the call */
    hoshi_survey_counts counts;
    /* hoshi_store_survey_get only (NULL from the list): the definition,
     * malloc'd with a NUL after its definition_len bytes; the caller
     * frees it. */
    unsigned char *definition;
    size_t definition_len;
} hoshi_survey;

/* A new survey.  opens_on and closes_on may be NULL or "" (unbounded). */
typedef struct hoshi_survey_new {
    const char *form_id, *title, *version;
    const void *definition;
    size_t definition_len;            /* 1..HOSHI_STORE_DEFINITION_MAX */
    const char *created_on, *opens_on, *closes_on;
} hoshi_survey_new;

/* Stores a new, open survey and gives its id.  HOSHI_ERR_INPUT for text
 * over its limit or not UTF-8, a bad date, opens_on after closes_on or an
 * empty or oversized definition. */
hoshi_err hoshi_store_survey_create(hoshi_store *s, const hoshi_survey_new *in, long long *id);
/* One survey with its definition and counts.  On success out->definition
 * is malloc'd and the caller frees it; on failure it is NULL. */
hoshi_err hoshi_store_survey_get(hoshi_store *s, long long id, const char *today, hoshi_survey *out);
/* The newest `max` surveys, newest first, with their counts and no
 * definition (out[i].definition is NULL). */
hoshi_err hoshi_store_survey_list(hoshi_store *s, const char *today, hoshi_survey *out, size_t max,
                                  size_t *n);
/* Sets both dates (NULL or "": unbounded).  Allowed on a closed survey
 * too (it stays closed).  HOSHI_ERR_INPUT for a bad date or opens_on
 * after closes_on, NOTFOUND for an unknown survey. */
hoshi_err hoshi_store_survey_set_dates(hoshi_store *s, long long id, const char *opens_on,
                                       const char *closes_on);
/* Closes the survey for good, dated `date`: every later save and submit
 * is refused.  Closing a closed survey again is HOSHI_OK and keeps the
 * first date.  NOTFOUND for an unknown survey. */
hoshi_err hoshi_store_survey_close(hoshi_store *s, long long id, const char *date);

/* --- invitations --------------------------------------------------------- */

/* Which organisations to invite: those with an active declaration for
 * which every given condition holds (0 or NULL/"" : any). */
typedef struct hoshi_invite_filter {
    int level;                    /* 1 ★, 2 ★★ */
    int prefecture;               /* 1..47 */
    const char *industry;         /* a JSIC division letter A..T */
    int size;                     /* employee band 1..6 */
} hoshi_invite_filter;

/* One invitation just made.  The token exists nowhere else: the store
 * keeps only its hash, so this is the one chance to hand it on. */
typedef struct hoshi_invitation_new {
    long long invitation_id, org_id;
    char token[HOSHI_STORE_INVITE_TOKEN];
    char decl_id[HOSHI_STORE_DECL_ID];
    char org_name[HOSHI_STORE_NAME];
} hoshi_invitation_new;

/* Gets each new invitation in turn; a non-OK return stops the invitation
 * and rolls it back, and that error is returned. */
typedef hoshi_err (*hoshi_invite_fn)(void *ctx, const hoshi_invitation_new *inv);

/* Invites every matching organisation not yet invited to the survey, in
 * one transaction, in declaration order, handing each new invitation to
 * fn (NULL: none) as it is made — streamed, so a registry of a million
 * needs no array.  fn runs inside the transaction: when the call fails,
 * nothing was stored and whatever fn received must be discarded (write
 * to a temporary file and keep it only on HOSHI_OK).  *invited counts
 * the new invitations, *skipped the matching organisations already
 * invited.  HOSHI_ERR_INPUT for a filter value out of range or a survey
 * that is closed or ended on `today` (one not yet open may be
 * invited to); NOTFOUND for an unknown survey. */
hoshi_err hoshi_store_survey_invite(hoshi_store *s, long long survey_id, const hoshi_invite_filter *f,
                                    const char *today, hoshi_invite_fn fn, void *ctx,
                                    long long *invited, long long *skipped);

/* An invitation as the respondent's page needs it. */
typedef struct hoshi_invitation {
    long long id, survey_id, org_id;
    hoshi_survey_state survey_state;
    hoshi_response_state response_state;
    int page;                     /* the page the draft was saved on (0 with none) */
    /* The saved answers ("" with none; the submitted ones once
     * submitted), malloc'd: the caller frees it; NULL on failure. */
    char *answers;
} hoshi_invitation;

/* The invitation whose token this is (the store hashes it and looks the
 * hash up).  NOTFOUND for a token that is not one, of any length or
 * content. */
hoshi_err hoshi_store_invitation_by_token(hoshi_store *s, const char *token, const char *today,
                                          hoshi_invitation *out);
/* The organisation's invitation to the survey, for its signed-in owner.
 * NOTFOUND when it was not invited. */
hoshi_err hoshi_store_invitation_by_org(hoshi_store *s, long long org_id, long long survey_id,
                                        const char *today, hoshi_invitation *out);

/* A survey waiting for an organisation: open today, invited, not
 * submitted. */
typedef struct hoshi_survey_pending {
    long long survey_id, invitation_id;
    char title[HOSHI_STORE_UTF8_SIZE(HOSHI_STORE_TITLE_CHARS)];
    char closes_on[HOSHI_STORE_DATE]; /* "" when unbounded */
    bool started;                 /* a draft is saved */
} hoshi_survey_pending;

/* The organisation's pending surveys, newest first, at most max. */
hoshi_err hoshi_store_survey_pending(hoshi_store *s, long long org_id, const char *today,
                                     hoshi_survey_pending *out, size_t max, size_t *n);

/* --- responses ----------------------------------------------------------- */

/* Saves the draft answers (UTF-8, at most HOSHI_STORE_ANSWERS_MAX bytes)
 * and the page the respondent is on, replacing the last draft.  HOSHI_OK
 * only when saved; *outcome always says what happened (see the top of
 * this file). */
hoshi_err hoshi_store_response_save(hoshi_store *s, long long invitation_id, const char *answers,
                                    int page, const char *today, hoshi_answers_outcome *outcome);

/* Submits the final answers in one transaction: checks the invitation is
 * not yet submitted and its survey open today, stores the answers,
 * snapshots the organisation's attributes as they are now (see
 * hoshi_response_row) and gives the response the next respondent number
 * of its survey (1, 2, …) in *respondent.  Of two submits racing, one
 * stores and the other gets HOSHI_ANSWERS_ALREADY_SUBMITTED.  Refusals
 * and bad text as for hoshi_store_response_save. */
hoshi_err hoshi_store_response_submit(hoshi_store *s, long long invitation_id, const char *answers,
                                      const char *today, hoshi_answers_outcome *outcome,
                                      long long *respondent);

/* A submitted response for export and tables: nothing in it names the
 * organisation.  The attributes are those of submission time; 0 or ""
 * when the organisation had not given one (level 0: no active
 * declaration then). */
typedef struct hoshi_response_row {
    long long respondent;         /* the export's id */
    const char *answers;          /* NUL-terminated, valid during the callback only */
    size_t answers_len;
    int level;                    /* DLEVEL 1 ★ / 2 ★★ */
    int size;                     /* DSIZE employee band 1..6 */
    char industry[HOSHI_STORE_ASCII_SIZE(HOSHI_STORE_INDUSTRY_CHARS)]; /* DINDUSTRY */
    int prefecture;               /* DPREF 1..47 */
    bool has_score;               /* DSCORE: false when no diagnosis */
    int score;
} hoshi_response_row;

typedef hoshi_err (*hoshi_response_fn)(void *ctx, const hoshi_response_row *row);

/* Hands every submitted response of the survey to fn, by respondent
 * number, from one consistent read (responses submitted meanwhile are
 * not seen).  A non-OK return from fn stops the read and is returned.
 * An unknown survey or one without responses calls fn never. */
hoshi_err hoshi_store_survey_responses(hoshi_store *s, long long survey_id, hoshi_response_fn fn,
                                       void *ctx);

/* The progress of a survey, for the operator: overall and by the
 * attributes the organisation had when invited.  Index 0 of each table
 * counts organisations that had not given the attribute. */
typedef struct hoshi_survey_progress {
    hoshi_survey_counts all;
    hoshi_survey_counts level[3];                         /* [1] ★, [2] ★★ */
    hoshi_survey_counts size[7];                          /* [1..6] employee band */
    hoshi_survey_counts industry[HOSHI_STORE_INDUSTRIES + 1]; /* [1..20] 'A'..'T' */
    hoshi_survey_counts prefecture[48];                   /* [1..47] */
} hoshi_survey_progress;

/* NOTFOUND for an unknown survey. */
hoshi_err hoshi_store_survey_progress(hoshi_store *s, long long survey_id, hoshi_survey_progress *out);

#endif
