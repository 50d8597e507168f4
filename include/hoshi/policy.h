/*
 * policy.h — the information-security basic policy (情報セキュリティ基本方針)
 * an organisation adopts and publishes for ★★, generated from our template
 * (data/templates/policy.<lang>.ini) and the organisation's details.
 */
#ifndef HOSHI_POLICY_H
#define HOSHI_POLICY_H

#include <stddef.h>

#include "hoshi/catalog.h"
#include "hoshi/error.h"

typedef enum hoshi_policy_format {
    HOSHI_POLICY_MD,
    HOSHI_POLICY_HTML,          /* a whole page */
    HOSHI_POLICY_TEXT,
    HOSHI_POLICY_HTML_FRAGMENT  /* an <article>, for embedding */
} hoshi_policy_format;

/* Longest organisation, representative or contact text accepted, in characters. */
#define HOSHI_POLICY_FIELD_MAX 200

typedef struct hoshi_policy_info {
    const char *org;            /* required: organisation name */
    const char *representative; /* required: title and name, e.g. "代表取締役 山田太郎" */
    const char *date;           /* required: YYYY-MM-DD, the date the policy is established */
    const char *contact;        /* optional (NULL or ""): contact point for questions */
} hoshi_policy_info;

/* Parses "md", "html" or "text". */
hoshi_err hoshi_policy_format_parse(const char *s, hoshi_policy_format *out);

/* Checks the fields (non-empty after trimming, valid UTF-8, no control
 * characters, at most HOSHI_POLICY_FIELD_MAX characters, a real date).
 * HOSHI_ERR_INPUT with a detail naming the field when one is wrong;
 * *field (if not NULL) is set to "org", "representative", "date" or "contact". */
hoshi_err hoshi_policy_check(const hoshi_policy_info *info, const char **field);

/* Renders the policy in the catalogue's language.  Validates first, as
 * hoshi_policy_check().  Caller frees *out with free(). */
hoshi_err hoshi_policy_render(const hoshi_catalog *c, const hoshi_policy_info *info,
                              hoshi_policy_format fmt, char **out, size_t *len);

#endif
