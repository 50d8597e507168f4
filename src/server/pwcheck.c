/*
 * pwcheck.c — which passwords sign-up accepts (issue 7, finding 6).
 *
 * Lengths are counted in characters, not bytes, so 43 kanji are as good
 * as 43 letters: at least 12, at most 128.  Then the rules a person can
 * act on: not blanks or one character repeated, not the e-mail address
 * or its name part, and not a dictionary word or simple pattern by
 * libpwquality with the cracklib dictionary — also once digits and
 * punctuation around it are taken off ("password1234" is "password").
 * Each refusal names a text of [signup] in web.ini that says what is wrong.
 *
 * cracklib keeps state between calls, so checks take turns under a lock;
 * one takes a few milliseconds.
 */
#include "server.h"
#include "hoshi/text.h"

#include <ctype.h>
#include <pwquality.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t pwq_lock = PTHREAD_MUTEX_INITIALIZER;
static pwquality_settings_t *pwq;

hoshi_err srv_pwcheck_init(void)
{
    pwq = pwquality_default_settings();
    if (pwq == NULL)
        return HOSHI_ERR_NOMEM;
    /* Our own rules count characters and say what is wrong; libpwquality
     * is asked only about dictionary words, the user name and patterns,
     * whatever /etc/security/pwquality.conf says. */
    static const int settings[][2] = {
        {PWQ_SETTING_MIN_LENGTH, 6},    {PWQ_SETTING_DIG_CREDIT, 0},  {PWQ_SETTING_UP_CREDIT, 0},
        {PWQ_SETTING_LOW_CREDIT, 0},    {PWQ_SETTING_OTH_CREDIT, 0},  {PWQ_SETTING_MIN_CLASS, 0},
        {PWQ_SETTING_MAX_REPEAT, 0},    {PWQ_SETTING_MAX_CLASS_REPEAT, 0},
        {PWQ_SETTING_MAX_SEQUENCE, 0},  {PWQ_SETTING_GECOS_CHECK, 0}, {PWQ_SETTING_DICT_CHECK, 1},
        {PWQ_SETTING_USER_CHECK, 1},
    };
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (pwquality_set_int_value(pwq, settings[i][0], settings[i][1]) != 0)
            return hoshi_error_set(HOSHI_ERR_INTERNAL, "libpwquality refused setting %d", settings[i][0]);
    /* Without the dictionary every password would be refused: better not
     * to start. */
    void *aux = NULL;
    int rc = pwquality_check(pwq, "zq7 vintage kettle mosaic", NULL, NULL, &aux);
    if (rc < 0) {
        char msg[256];
        pwquality_strerror(msg, sizeof msg, rc, aux);
        return hoshi_error_set(HOSHI_ERR_DATA, "libpwquality cannot check passwords (%s); is cracklib-runtime installed?",
                               msg);
    }
    return HOSHI_OK;
}

void srv_pwcheck_free(void)
{
    if (pwq != NULL)
        pwquality_free_settings(pwq);
    pwq = NULL;
}

/* True when s holds one code point repeated, or only blanks. */
static bool monotonous(const char *s)
{
    if (hoshi_text_is_blank(s))
        return true;
    size_t first = 1;
    while (((unsigned char)s[first] & 0xc0) == 0x80)
        first++;
    for (const char *p = s; *p; p += first)
        if (strncmp(p, s, first) != 0)
            return false;
    return true;
}

/* ASCII lower-case copy. */
static void lower(char *dst, const char *src, size_t size)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* True when pw (lower-cased) holds the name part of email, forwards or
 * backwards; names shorter than 3 bytes would match too much. */
static bool holds_local_part(const char *pw_lower, const char *email)
{
    const char *at = strchr(email, '@');
    size_t n = at ? (size_t)(at - email) : strlen(email);
    char local[SRV_EMAIL_MAX + 1], rev[SRV_EMAIL_MAX + 1];
    if (n < 3 || n > SRV_EMAIL_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        local[i] = (char)tolower((unsigned char)email[i]);
        rev[n - 1 - i] = local[i];
    }
    local[n] = rev[n] = '\0';
    return strstr(pw_lower, local) != NULL || strstr(pw_lower, rev) != NULL;
}

static const char *pwq_verdict(int rc)
{
    switch (rc) {
    case PWQ_ERROR_USER_CHECK:
    case PWQ_ERROR_GECOS_CHECK: return "err_password_email";
    case PWQ_ERROR_PALINDROME: return "err_password_simple";
    case PWQ_ERROR_CRACKLIB_CHECK:
    case PWQ_ERROR_BAD_WORDS:
    case PWQ_ERROR_MAX_SEQUENCE: return "err_password_dictionary";
    default: return "err_password_weak";
    }
}

const char *srv_pwcheck(const char *pw, const char *email)
{
    size_t bytes = strlen(pw);
    if (hoshi_utf8_invalid_at(pw, bytes) != bytes)
        return "err_password";
    size_t chars = hoshi_utf8_count(pw);
    if (chars > SRV_PASSWORD_MAX)
        return "err_password_long";
    if (!hoshi_text_is_clean(pw, SRV_PASSWORD_MAX, false))
        return "err_password";
    if (chars < SRV_PASSWORD_MIN)
        return "err_password_short";
    if (monotonous(pw))
        return "err_password_simple";
    char low[SRV_PASSWORD_BYTES], mail[SRV_EMAIL_MAX + 1];
    lower(low, pw, sizeof low);
    lower(mail, email, sizeof mail);
    if (mail[0] != '\0' && (strstr(low, mail) != NULL || holds_local_part(low, mail)))
        return "err_password_email";
    /* The word inside: digits, punctuation and blanks taken off both ends. */
    char core[SRV_PASSWORD_BYTES];
    size_t b = 0, e = bytes;
    while (b < e && (unsigned char)pw[b] < 0x80 && !isalpha((unsigned char)pw[b]))
        b++;
    while (e > b && (unsigned char)pw[e - 1] < 0x80 && !isalpha((unsigned char)pw[e - 1]))
        e--;
    snprintf(core, sizeof core, "%.*s", (int)(e - b), pw + b);
    const char *verdict = NULL;
    void *aux = NULL;
    pthread_mutex_lock(&pwq_lock);
    const char *user = mail[0] != '\0' ? mail : NULL;
    int rc = pwquality_check(pwq, pw, NULL, user, &aux);
    if (rc < 0)
        verdict = pwq_verdict(rc);
    else if (e - b >= 6 && e - b < bytes &&
             pwquality_check(pwq, core, NULL, user, &aux) == PWQ_ERROR_CRACKLIB_CHECK)
        verdict = "err_password_dictionary";
    pthread_mutex_unlock(&pwq_lock);
    sodium_memzero(low, sizeof low);
    sodium_memzero(core, sizeof core);
    return verdict;
}
