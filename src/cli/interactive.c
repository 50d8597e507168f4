/*
 * interactive.c — the self-diagnosis in a terminal: one item at a time
 * with progress, going back, help on demand, and quitting without losing
 * anything.  Progress is saved after every answer (write to a temporary
 * file, then rename), so even Ctrl-C or a closed terminal loses nothing;
 * the next run offers to resume.  Prompts go to stderr so that stdout
 * carries only the report (`hoshi diagnose --format html > report.html`).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_MAGIC "hoshi-diagnose-state 1"
#define STATE_MAX 4096

typedef struct session {
    const hoshi_catalog *c;
    const char *state_path; /* NULL: progress is not saved */
    hoshi_answer *answers;
    int pos;                /* index of the item being asked, 0..24 */
} session;

static const char *ui(const session *s, const char *key)
{
    return hoshi_catalog_text(s->c, "diagnose", key);
}

/* Prints a UI text with {name} variables filled in, then a newline. */
static void say(const session *s, const char *key, const char *const *vars)
{
    char *text = NULL;
    if (hoshi_text_subst(ui(s, key), vars, &text, NULL) == HOSHI_OK) {
        fprintf(stderr, "%s\n", text);
        free(text);
    }
}

static int mkdir_parents(const char *path)
{
    char *dir = strdup(path);
    if (dir == NULL)
        return -1;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            free(dir);
            return -1;
        }
        *p = '/';
    }
    free(dir);
    return 0;
}

static int answered(const session *s);

static void save(const session *s)
{
    if (s->state_path == NULL)
        return;
    if (answered(s) == 0) {
        /* nothing worth resuming: do not offer an empty check next time */
        unlink(s->state_path);
        return;
    }
    char text[256];
    int n = snprintf(text, sizeof text, "%s\nposition=%d\nanswers=", STATE_MAGIC, s->pos);
    for (int i = 0; i < HOSHI_DIAG_ITEMS && n > 0 && (size_t)n < sizeof text; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s%d", i ? "," : "", (int)s->answers[i]);
    if (n <= 0 || (size_t)n + 2 >= sizeof text)
        return;
    text[n++] = '\n';
    text[n] = '\0';
    if (mkdir_parents(s->state_path) != 0 ||
        cli_write_output("diagnose", s->state_path, text, (size_t)n) != EXIT_OK)
        fprintf(stderr, "hoshi diagnose: warning: progress could not be saved to %s\n",
                s->state_path);
}

/* Parses saved progress; false (and nothing changed) if it is damaged. */
static bool parse_state(char *text, hoshi_answer *answers, int *pos)
{
    hoshi_answer a[HOSHI_DIAG_ITEMS];
    long p = -1;
    bool have_answers = false;
    char *line = text, *next;
    if (strncmp(text, STATE_MAGIC "\n", sizeof STATE_MAGIC) != 0)
        return false;
    for (; line != NULL && *line; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (strncmp(line, "position=", 9) == 0) {
            char *end;
            errno = 0;
            p = strtol(line + 9, &end, 10);
            if (errno != 0 || end == line + 9 || *end != '\0' || p < 0 || p >= HOSHI_DIAG_ITEMS)
                return false;
        } else if (strncmp(line, "answers=", 8) == 0) {
            char *q = line + 8;
            for (int i = 0; i < HOSHI_DIAG_ITEMS; i++) {
                char *end;
                errno = 0;
                long v = strtol(q, &end, 10);
                if (errno != 0 || end == q || v < 0 || v > 4)
                    return false;
                a[i] = (hoshi_answer)v;
                char want = i + 1 < HOSHI_DIAG_ITEMS ? ',' : '\0';
                if (*end != want)
                    return false;
                q = end + 1;
            }
            have_answers = true;
        }
    }
    if (!have_answers || p < 0)
        return false;
    memcpy(answers, a, sizeof a);
    *pos = (int)p;
    return true;
}

/* Folds full-width ASCII (U+FF01..U+FF5E, what a Japanese input method
 * types for "１" or "ｑ") to ASCII in place. */
static void fold_fullwidth(char *s)
{
    unsigned char *r = (unsigned char *)s, *w = r;
    while (*r) {
        if (r[0] == 0xEF && (r[1] == 0xBC || r[1] == 0xBD) && r[2] >= 0x80 && r[2] <= 0xBF) {
            unsigned cp = 0xFF00u + ((unsigned)(r[1] - 0xBC) << 6) + (r[2] - 0x80u);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                *w++ = (unsigned char)(cp - 0xFF01 + 0x21);
                r += 3;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Reads one line from stdin without its newline; false on end of input. */
static bool read_line(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return false;
    size_t n = strlen(buf);
    bool whole = n > 0 && buf[n - 1] == '\n';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    if (!whole && !feof(stdin)) {
        int ch;
        while ((ch = getchar()) != EOF && ch != '\n')
            ; /* discard the rest of an over-long line */
    }
    char *p = buf;
    while (*p == ' ' || *p == '\t')
        p++;
    memmove(buf, p, strlen(p) + 1);
    fold_fullwidth(buf);
    return true;
}

static int answered(const session *s)
{
    int n = 0;
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        n += s->answers[i] != HOSHI_ANSWER_NONE;
    return n;
}

static void offer_resume(session *s)
{
    char *text = NULL;
    if (s->state_path == NULL || access(s->state_path, F_OK) != 0)
        return;
    if (cli_read_file("diagnose", s->state_path, STATE_MAX, &text) != EXIT_OK)
        return;
    hoshi_answer saved[HOSHI_DIAG_ITEMS];
    int pos = 0;
    bool ok = parse_state(text, saved, &pos);
    free(text);
    if (!ok) {
        fprintf(stderr, "hoshi diagnose: ignoring damaged saved progress in %s\n", s->state_path);
        return;
    }
    session probe = *s;
    probe.answers = saved;
    char n[16], total[16];
    snprintf(n, sizeof n, "%d", answered(&probe));
    snprintf(total, sizeof total, "%d", HOSHI_DIAG_ITEMS);
    const char *vars[] = {"n", n, "total", total, NULL};
    say(s, "resume", vars);
    fputs("> ", stderr);
    char line[64];
    if (!read_line(line, sizeof line))
        line[0] = 'n';
    if (line[0] == '\0' || line[0] == 'y' || line[0] == 'Y') {
        memcpy(s->answers, saved, sizeof saved);
        s->pos = pos;
        say(s, "resumed", NULL);
    } else {
        say(s, "restart", NULL);
    }
}

static void show_item(const session *s)
{
    const hoshi_item_info *it = hoshi_catalog_item(s->c, s->pos + 1);
    char i[16], total[16], part[16];
    snprintf(i, sizeof i, "%d", s->pos + 1);
    snprintf(total, sizeof total, "%d", HOSHI_DIAG_ITEMS);
    snprintf(part, sizeof part, "%d", it->part);
    const char *vars[] = {"i", i, "total", total, "n", part, NULL};
    char *progress = NULL, *part_label = NULL;
    hoshi_text_subst(ui(s, "progress"), vars, &progress, NULL);
    hoshi_text_subst(ui(s, "part"), vars, &part_label, NULL);
    fprintf(stderr, "\n[%s] %s %s\n", progress ? progress : "", part_label ? part_label : "",
            hoshi_catalog_part_title(s->c, it->part));
    free(progress);
    free(part_label);
    fprintf(stderr, "%d. %s\n   %s\n", it->number, it->title, it->question);
    for (int code = 1; code <= 4; code++)
        fprintf(stderr, "   %d) %s\n", code, hoshi_catalog_answer_label(s->c, code));
    hoshi_answer cur = s->answers[s->pos];
    if (cur != HOSHI_ANSWER_NONE) {
        const char *cv[] = {"answer", hoshi_catalog_answer_label(s->c, (int)cur), NULL};
        say(s, "current", cv);
    }
}

static void show_help(const session *s)
{
    const hoshi_item_info *it = hoshi_catalog_item(s->c, s->pos + 1);
    fprintf(stderr, "\n%s:\n  %s\n%s:\n", ui(s, "why"), it->why, ui(s, "how"));
    for (size_t k = 0; k < it->n_steps; k++)
        fprintf(stderr, "  - %s\n", it->steps[k]);
    for (int code = 1; code <= 4; code++)
        fprintf(stderr, "  %d) %s: %s\n", code, hoshi_catalog_answer_label(s->c, code),
                hoshi_catalog_answer_hint(s->c, code));
}

int cli_interactive(const hoshi_catalog *c, const char *state_path,
                    hoshi_answer answers[HOSHI_DIAG_ITEMS], bool *quit)
{
    session s = {c, state_path, answers, 0};
    for (int i = 0; i < HOSHI_DIAG_ITEMS; i++)
        answers[i] = HOSHI_ANSWER_NONE;
    *quit = false;
    say(&s, "intro", NULL);
    say(&s, "keys", NULL);
    offer_resume(&s);
    bool redraw = true;
    while (s.pos < HOSHI_DIAG_ITEMS) {
        if (redraw)
            show_item(&s);
        redraw = true;
        fprintf(stderr, "%s > ", ui(&s, "prompt"));
        char line[64];
        if (!read_line(line, sizeof line) || strcmp(line, "q") == 0 || strcmp(line, "Q") == 0) {
            save(&s);
            fputc('\n', stderr);
            say(&s, "saved", NULL);
            *quit = true;
            return EXIT_OK;
        }
        if (line[0] == '\0' && s.answers[s.pos] != HOSHI_ANSWER_NONE) {
            s.pos++;
        } else if (strcmp(line, "b") == 0 || strcmp(line, "B") == 0) {
            if (s.pos == 0)
                say(&s, "first", NULL);
            else
                s.pos--;
        } else if (strcmp(line, "?") == 0) {
            show_help(&s);
            redraw = false;
        } else if (line[1] == '\0' && line[0] >= '1' && line[0] <= '4') {
            s.answers[s.pos] = (hoshi_answer)(line[0] - '0');
            s.pos++;
        } else {
            const char *vars[] = {"input", line, NULL};
            say(&s, "invalid", vars);
            say(&s, "keys", NULL);
            redraw = false;
        }
        if (s.pos < HOSHI_DIAG_ITEMS)
            save(&s);
    }
    if (state_path != NULL)
        unlink(state_path);
    say(&s, "done", NULL);
    fputc('\n', stderr);
    return EXIT_OK;
}
