/*
 * nta.c — one line of the National Tax Agency's bulk file of corporate
 * numbers (CSV, Unicode edition) checked column by column and read into a
 * hoshi_nta_corp.  The 30 columns, in the agency's order: 一連番号,
 * 法人番号, 処理区分, 訂正区分, 更新年月日, 変更年月日, 商号又は名称,
 * 商号又は名称イメージID, 法人種別, 国内所在地（都道府県）, （市区町村）,
 * （丁目番地等）, 国内所在地イメージID, 都道府県コード, 市区町村コード,
 * 郵便番号, 国外所在地, 国外所在地イメージID, 登記記録の閉鎖等年月日,
 * 登記記録の閉鎖等の事由, 承継先法人番号, 変更事由の詳細, 法人番号指定年月日,
 * 最新履歴, 商号又は名称（英語表記）, 国内所在地（都道府県）（英語表記）,
 * （市区町村丁目番地等）（英語表記）, 国外所在地（英語表記）, フリガナ,
 * 検索対象除外.  Text columns are quoted, numbers and empty ones may not
 * be; the file has no header line.
 */
#include "hoshi/nta.h"
#include "hoshi/date.h"
#include "hoshi/text.h"
#include "internal.h"

#include <stdio.h>
#include <string.h>

enum {
    C_SEQ, C_NUM, C_PROCESS, C_CORRECT, C_UPDATE, C_CHANGE, C_NAME, C_NAME_IMG, C_KIND, C_PREF,
    C_CITY, C_STREET, C_ADDR_IMG, C_PREF_CODE, C_CITY_CODE, C_POST, C_ABROAD, C_ABROAD_IMG,
    C_CLOSE_DATE, C_CLOSE_CAUSE, C_SUCCESSOR, C_CHANGE_CAUSE, C_ASSIGNED, C_LATEST, C_EN_NAME,
    C_EN_PREF, C_EN_CITY, C_EN_ABROAD, C_FURIGANA, C_HIDDEN
};

static const char *const col_names[HOSHI_NTA_FIELDS] = {
    "sequenceNumber", "corporateNumber", "process", "correct", "updateDate", "changeDate",
    "name", "nameImageId", "kind", "prefectureName", "cityName", "streetNumber",
    "addressImageId", "prefectureCode", "cityCode", "postCode", "addressOutside",
    "addressOutsideImageId", "closeDate", "closeCause", "successorCorporateNumber",
    "changeCause", "assignmentDate", "latest", "enName", "enPrefectureName",
    "enCityName", "enAddressOutside", "furigana", "hihyoji",
};

/* The fields of one line, unquoted, in one buffer. */
typedef struct fields {
    char buf[HOSHI_NTA_LINE_MAX + HOSHI_NTA_FIELDS];
    const char *f[HOSHI_NTA_FIELDS];
} fields;

static hoshi_err split(const char *line, size_t len, fields *out)
{
    size_t i = 0, o = 0;
    int n = 0;
    for (;;) {
        if (n == HOSHI_NTA_FIELDS)
            return hi_fail(HOSHI_ERR_INPUT, "more than %d columns", HOSHI_NTA_FIELDS);
        out->f[n] = out->buf + o;
        if (i < len && line[i] == '"') {
            i++;
            for (;;) {
                if (i == len)
                    return hi_fail(HOSHI_ERR_INPUT, "column %d (%s): unterminated quote", n + 1, col_names[n]);
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        out->buf[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                out->buf[o++] = line[i++];
            }
            if (i < len && line[i] != ',')
                return hi_fail(HOSHI_ERR_INPUT, "column %d (%s): text after the closing quote", n + 1,
                               col_names[n]);
        } else {
            while (i < len && line[i] != ',') {
                if (line[i] == '"')
                    return hi_fail(HOSHI_ERR_INPUT, "column %d (%s): a quote inside an unquoted value",
                                   n + 1, col_names[n]);
                out->buf[o++] = line[i++];
            }
        }
        out->buf[o++] = '\0';
        n++;
        if (i == len)
            break;
        i++; /* the comma */
    }
    if (n != HOSHI_NTA_FIELDS)
        return hi_fail(HOSHI_ERR_INPUT, "%d columns, expected %d", n, HOSHI_NTA_FIELDS);
    return HOSHI_OK;
}

static hoshi_err bad(int col, const char *why, const char *value)
{
    return hi_fail(HOSHI_ERR_INPUT, "column %d (%s): %s: \"%.40s\"", col + 1, col_names[col], why, value);
}

static bool digits(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789") == n;
}

static bool one_of(const char *s, const char *const *set)
{
    for (; *set != NULL; set++)
        if (strcmp(s, *set) == 0)
            return true;
    return false;
}

/* A date column; "" passes when the column may be empty. */
static hoshi_err date_col(const fields *f, int col, bool required, char out[11])
{
    const char *v = f->f[col];
    out[0] = '\0';
    if (*v == '\0')
        return required ? bad(col, "missing", v) : HOSHI_OK;
    hoshi_date d;
    if (strlen(v) != 10 || hoshi_date_parse(v, &d) != HOSHI_OK)
        return bad(col, "not a date YYYY-MM-DD", v);
    memcpy(out, v, 11);
    hi_clear_error();
    return HOSHI_OK;
}

/* A text column, any valid UTF-8 of at most max characters. */
static hoshi_err text_col(const fields *f, int col, size_t max, bool required, char *out, size_t size)
{
    const char *v = f->f[col];
    size_t len = strlen(v);
    if (hoshi_utf8_invalid_at(v, len) != len)
        return hi_fail(HOSHI_ERR_INPUT, "column %d (%s): not valid UTF-8 (the Unicode edition is UTF-8)",
                       col + 1, col_names[col]);
    if (required && len == 0)
        return bad(col, "missing", v);
    if (hoshi_utf8_count(v) > max || len >= size)
        return hi_fail(HOSHI_ERR_INPUT, "column %d (%s): longer than %zu characters", col + 1,
                       col_names[col], max);
    if (out != NULL)
        memcpy(out, v, len + 1);
    return HOSHI_OK;
}

static hoshi_err flag_col(const fields *f, int col, bool *out)
{
    const char *v = f->f[col];
    if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
        return bad(col, "not 0 or 1", v);
    if (out != NULL)
        *out = v[0] == '1';
    return HOSHI_OK;
}

static hoshi_err number_col(const fields *f, int col, bool required, char out[HOSHI_CORPNUM_LEN + 1])
{
    const char *v = f->f[col];
    if (*v == '\0' && !required) {
        out[0] = '\0';
        return HOSHI_OK;
    }
    if (!digits(v, HOSHI_CORPNUM_LEN))
        return bad(col, "not 13 digits", v);
    if (!hoshi_corpnum_is_valid(v))
        return bad(col, "wrong check digit", v);
    memcpy(out, v, HOSHI_CORPNUM_LEN + 1);
    return HOSHI_OK;
}

static hoshi_err codes(const fields *f, hoshi_nta_corp *out)
{
    static const char *const processes[] = {"01", "11", "12", "13", "21", "22", "71", "72", "81", "99", NULL};
    static const char *const kinds[] = {"101", "201", "301", "302", "303", "304", "305", "399", "401",
                                        "499", NULL};
    static const char *const causes[] = {"01", "11", "21", "31", NULL};
    const char *v = f->f[C_SEQ];
    if (*v == '\0' || strlen(v) > 12 || strspn(v, "0123456789") != strlen(v))
        return bad(C_SEQ, "not a sequence number", v);
    if (!one_of(f->f[C_PROCESS], processes))
        return bad(C_PROCESS, "not a process code", f->f[C_PROCESS]);
    memcpy(out->process, f->f[C_PROCESS], 3);
    if (!one_of(f->f[C_KIND], kinds))
        return bad(C_KIND, "not a kind of corporation", f->f[C_KIND]);
    memcpy(out->kind, f->f[C_KIND], 4);
    v = f->f[C_PREF_CODE];
    long code = 0;
    if (*v != '\0' && (!digits(v, 2) || !hoshi_parse_long(v, 1, 99, &code) || (code > 47 && code != 99)))
        return bad(C_PREF_CODE, "not a prefecture code 01..47 or 99", v);
    out->pref_code = (int)code;
    v = f->f[C_CITY_CODE];
    if (*v != '\0' && !digits(v, 3))
        return bad(C_CITY_CODE, "not a city code of 3 digits", v);
    v = f->f[C_POST];
    if (*v != '\0' && !digits(v, 7))
        return bad(C_POST, "not a postcode of 7 digits", v);
    v = f->f[C_CLOSE_CAUSE];
    if (*v != '\0' && !one_of(v, causes))
        return bad(C_CLOSE_CAUSE, "not a closing cause", v);
    memcpy(out->close_cause, v, strlen(v) + 1);
    static const int images[] = {C_NAME_IMG, C_ADDR_IMG, C_ABROAD_IMG};
    for (size_t i = 0; i < sizeof images / sizeof images[0]; i++) {
        v = f->f[images[i]];
        if (*v != '\0' && (strlen(v) > 8 || strspn(v, "0123456789") != strlen(v)))
            return bad(images[i], "not an image id", v);
    }
    return HOSHI_OK;
}

static hoshi_err texts(const fields *f, hoshi_nta_corp *out)
{
    hoshi_err err;
    if ((err = text_col(f, C_NAME, HOSHI_NTA_NAME_CHARS, true, out->name, sizeof out->name)) ||
        (err = text_col(f, C_PREF, HOSHI_NTA_ADDR_CHARS, false, out->prefecture, sizeof out->prefecture)) ||
        (err = text_col(f, C_CITY, HOSHI_NTA_ADDR_CHARS, false, out->city, sizeof out->city)) ||
        (err = text_col(f, C_STREET, HOSHI_NTA_ADDR_CHARS, false, out->street, sizeof out->street)) ||
        (err = text_col(f, C_FURIGANA, HOSHI_NTA_KANA_CHARS, false, out->furigana, sizeof out->furigana)))
        return err;
    static const int others[] = {C_ABROAD, C_CHANGE_CAUSE, C_EN_NAME, C_EN_PREF, C_EN_CITY, C_EN_ABROAD};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if ((err = text_col(f, others[i], HOSHI_NTA_ADDR_CHARS * 2, false, NULL, HOSHI_NTA_LINE_MAX)))
            return err;
    return HOSHI_OK;
}

hoshi_err hoshi_nta_parse_line(const char *line, size_t len, hoshi_nta_corp *out)
{
    hi_clear_error();
    memset(out, 0, sizeof *out);
    if (len > HOSHI_NTA_LINE_MAX)
        return hi_fail(HOSHI_ERR_LIMIT, "line longer than %d bytes", HOSHI_NTA_LINE_MAX);
    if (memchr(line, '\0', len) != NULL)
        return hi_fail(HOSHI_ERR_INPUT, "a NUL byte in the line");
    static _Thread_local fields f;
    char assigned[11];
    hoshi_err err;
    if ((err = split(line, len, &f)) || (err = number_col(&f, C_NUM, true, out->corpnum)) ||
        (err = codes(&f, out)) || (err = flag_col(&f, C_CORRECT, NULL)) ||
        (err = date_col(&f, C_UPDATE, true, out->update_date)) ||
        (err = date_col(&f, C_CHANGE, true, out->change_date)) ||
        (err = date_col(&f, C_CLOSE_DATE, false, out->close_date)) ||
        (err = date_col(&f, C_ASSIGNED, true, assigned)) ||
        (err = number_col(&f, C_SUCCESSOR, false, out->successor)) ||
        (err = flag_col(&f, C_LATEST, &out->latest)) || (err = flag_col(&f, C_HIDDEN, &out->hidden)) ||
        (err = texts(&f, out)))
        return err;
    if (out->close_cause[0] != '\0' && out->close_date[0] == '\0')
        return bad(C_CLOSE_DATE, "missing while a closing cause is given", "");
    return HOSHI_OK;
}
