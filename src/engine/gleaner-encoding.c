/* gleaner-encoding.c: WHATWG encodings: labels, BOM and meta prescan, decoding to UTF-8
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "gleaner-encoding.h"

/* The rows of the Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels).
 *
 * iconv names were chosen by comparing glibc's tables with Chromium's TextDecoder for
 * every byte (single-byte) and every lead/trail pair (CJK); the few bytes where glibc
 * differs from the WHATWG indexes are patched in build_single_byte_table() and
 * decode_iconv(). glibc has nothing WHATWG-exact for UTF-16 (lone surrogates),
 * x-user-defined and replacement, which are decoded here. */
#define SB(ident, whatwg, iconv) \
  static const GleanerEncoding ident = { whatwg, iconv, GLEANER_ENCODING_KIND_SINGLE_BYTE, TRUE };
#define MB(ident, whatwg, iconv, ascii) \
  static const GleanerEncoding ident = { whatwg, iconv, GLEANER_ENCODING_KIND_MULTI_BYTE, ascii };

const GleanerEncoding gleaner_encoding_utf8 = { "UTF-8", NULL, GLEANER_ENCODING_KIND_UTF8, TRUE };
const GleanerEncoding gleaner_encoding_utf16le =
  { "UTF-16LE", NULL, GLEANER_ENCODING_KIND_UTF16LE, FALSE };
const GleanerEncoding gleaner_encoding_utf16be =
  { "UTF-16BE", NULL, GLEANER_ENCODING_KIND_UTF16BE, FALSE };
const GleanerEncoding gleaner_encoding_windows_1252 =
  { "windows-1252", "CP1252", GLEANER_ENCODING_KIND_SINGLE_BYTE, TRUE };
const GleanerEncoding gleaner_encoding_replacement =
  { "replacement", NULL, GLEANER_ENCODING_KIND_REPLACEMENT, FALSE };
const GleanerEncoding gleaner_encoding_x_user_defined =
  { "x-user-defined", NULL, GLEANER_ENCODING_KIND_X_USER_DEFINED, TRUE };

SB (enc_ibm866, "IBM866", "IBM866")
SB (enc_iso_8859_2, "ISO-8859-2", "ISO-8859-2")
SB (enc_iso_8859_3, "ISO-8859-3", "ISO-8859-3")
SB (enc_iso_8859_4, "ISO-8859-4", "ISO-8859-4")
SB (enc_iso_8859_5, "ISO-8859-5", "ISO-8859-5")
SB (enc_iso_8859_6, "ISO-8859-6", "ISO-8859-6")
SB (enc_iso_8859_7, "ISO-8859-7", "ISO-8859-7")
SB (enc_iso_8859_8, "ISO-8859-8", "ISO-8859-8")
SB (enc_iso_8859_8_i, "ISO-8859-8-I", "ISO-8859-8")
SB (enc_iso_8859_10, "ISO-8859-10", "ISO-8859-10")
SB (enc_iso_8859_13, "ISO-8859-13", "ISO-8859-13")
SB (enc_iso_8859_14, "ISO-8859-14", "ISO-8859-14")
SB (enc_iso_8859_15, "ISO-8859-15", "ISO-8859-15")
SB (enc_iso_8859_16, "ISO-8859-16", "ISO-8859-16")
SB (enc_koi8_r, "KOI8-R", "KOI8-R")
SB (enc_koi8_u, "KOI8-U", "KOI8-U")
SB (enc_macintosh, "macintosh", "MACINTOSH")
SB (enc_windows_874, "windows-874", "CP874")
SB (enc_windows_1250, "windows-1250", "CP1250")
SB (enc_windows_1251, "windows-1251", "CP1251")
SB (enc_windows_1253, "windows-1253", "CP1253")
SB (enc_windows_1254, "windows-1254", "CP1254")
SB (enc_windows_1255, "windows-1255", "CP1255")
SB (enc_windows_1256, "windows-1256", "CP1256")
SB (enc_windows_1257, "windows-1257", "CP1257")
SB (enc_windows_1258, "windows-1258", "CP1258")
SB (enc_x_mac_cyrillic, "x-mac-cyrillic", "MAC-CYRILLIC")
/* The WHATWG GBK decoder is the gb18030 decoder. */
MB (enc_gbk, "GBK", "GB18030", TRUE)
MB (enc_gb18030, "gb18030", "GB18030", TRUE)
MB (enc_big5, "Big5", "BIG5-HKSCS", TRUE)
MB (enc_euc_jp, "EUC-JP", "EUC-JP-MS", TRUE)
MB (enc_iso_2022_jp, "ISO-2022-JP", "ISO-2022-JP-3", FALSE)
MB (enc_shift_jis, "Shift_JIS", "CP932", TRUE)
MB (enc_euc_kr, "EUC-KR", "CP949", TRUE)

#undef SB
#undef MB

static const GleanerEncoding * const all_encodings[] = {
  &gleaner_encoding_utf8,
  &enc_ibm866, &enc_iso_8859_2, &enc_iso_8859_3, &enc_iso_8859_4, &enc_iso_8859_5,
  &enc_iso_8859_6, &enc_iso_8859_7, &enc_iso_8859_8, &enc_iso_8859_8_i, &enc_iso_8859_10,
  &enc_iso_8859_13, &enc_iso_8859_14, &enc_iso_8859_15, &enc_iso_8859_16, &enc_koi8_r,
  &enc_koi8_u, &enc_macintosh, &enc_windows_874, &enc_windows_1250, &enc_windows_1251,
  &gleaner_encoding_windows_1252, &enc_windows_1253, &enc_windows_1254, &enc_windows_1255,
  &enc_windows_1256, &enc_windows_1257, &enc_windows_1258, &enc_x_mac_cyrillic,
  &enc_gbk, &enc_gb18030, &enc_big5, &enc_euc_jp, &enc_iso_2022_jp, &enc_shift_jis,
  &enc_euc_kr, &gleaner_encoding_replacement, &gleaner_encoding_utf16be,
  &gleaner_encoding_utf16le, &gleaner_encoding_x_user_defined,
};

#define N_ENCODINGS G_N_ELEMENTS (all_encodings)

typedef struct
{
  const char            *label;
  const GleanerEncoding *encoding;
} Label;

/* Every label of the Encoding Standard, sorted bytewise (tests check the order
 * and compare each label with Chromium's TextDecoder). */
static const Label labels[] = {
  { "866", &enc_ibm866 },
  { "ansi_x3.4-1968", &gleaner_encoding_windows_1252 },
  { "arabic", &enc_iso_8859_6 },
  { "ascii", &gleaner_encoding_windows_1252 },
  { "asmo-708", &enc_iso_8859_6 },
  { "big5", &enc_big5 },
  { "big5-hkscs", &enc_big5 },
  { "chinese", &enc_gbk },
  { "cn-big5", &enc_big5 },
  { "cp1250", &enc_windows_1250 },
  { "cp1251", &enc_windows_1251 },
  { "cp1252", &gleaner_encoding_windows_1252 },
  { "cp1253", &enc_windows_1253 },
  { "cp1254", &enc_windows_1254 },
  { "cp1255", &enc_windows_1255 },
  { "cp1256", &enc_windows_1256 },
  { "cp1257", &enc_windows_1257 },
  { "cp1258", &enc_windows_1258 },
  { "cp819", &gleaner_encoding_windows_1252 },
  { "cp866", &enc_ibm866 },
  { "csbig5", &enc_big5 },
  { "cseuckr", &enc_euc_kr },
  { "cseucpkdfmtjapanese", &enc_euc_jp },
  { "csgb2312", &enc_gbk },
  { "csibm866", &enc_ibm866 },
  { "csiso2022jp", &enc_iso_2022_jp },
  { "csiso2022kr", &gleaner_encoding_replacement },
  { "csiso58gb231280", &enc_gbk },
  { "csiso88596e", &enc_iso_8859_6 },
  { "csiso88596i", &enc_iso_8859_6 },
  { "csiso88598e", &enc_iso_8859_8 },
  { "csiso88598i", &enc_iso_8859_8_i },
  { "csisolatin1", &gleaner_encoding_windows_1252 },
  { "csisolatin2", &enc_iso_8859_2 },
  { "csisolatin3", &enc_iso_8859_3 },
  { "csisolatin4", &enc_iso_8859_4 },
  { "csisolatin5", &enc_windows_1254 },
  { "csisolatin6", &enc_iso_8859_10 },
  { "csisolatin9", &enc_iso_8859_15 },
  { "csisolatinarabic", &enc_iso_8859_6 },
  { "csisolatincyrillic", &enc_iso_8859_5 },
  { "csisolatingreek", &enc_iso_8859_7 },
  { "csisolatinhebrew", &enc_iso_8859_8 },
  { "cskoi8r", &enc_koi8_r },
  { "csksc56011987", &enc_euc_kr },
  { "csmacintosh", &enc_macintosh },
  { "csshiftjis", &enc_shift_jis },
  { "csunicode", &gleaner_encoding_utf16le },
  { "cyrillic", &enc_iso_8859_5 },
  { "dos-874", &enc_windows_874 },
  { "ecma-114", &enc_iso_8859_6 },
  { "ecma-118", &enc_iso_8859_7 },
  { "elot_928", &enc_iso_8859_7 },
  { "euc-jp", &enc_euc_jp },
  { "euc-kr", &enc_euc_kr },
  { "gb18030", &enc_gb18030 },
  { "gb2312", &enc_gbk },
  { "gb_2312", &enc_gbk },
  { "gb_2312-80", &enc_gbk },
  { "gbk", &enc_gbk },
  { "greek", &enc_iso_8859_7 },
  { "greek8", &enc_iso_8859_7 },
  { "hebrew", &enc_iso_8859_8 },
  { "hz-gb-2312", &gleaner_encoding_replacement },
  { "ibm819", &gleaner_encoding_windows_1252 },
  { "ibm866", &enc_ibm866 },
  { "iso-10646-ucs-2", &gleaner_encoding_utf16le },
  { "iso-2022-cn", &gleaner_encoding_replacement },
  { "iso-2022-cn-ext", &gleaner_encoding_replacement },
  { "iso-2022-jp", &enc_iso_2022_jp },
  { "iso-2022-kr", &gleaner_encoding_replacement },
  { "iso-8859-1", &gleaner_encoding_windows_1252 },
  { "iso-8859-10", &enc_iso_8859_10 },
  { "iso-8859-11", &enc_windows_874 },
  { "iso-8859-13", &enc_iso_8859_13 },
  { "iso-8859-14", &enc_iso_8859_14 },
  { "iso-8859-15", &enc_iso_8859_15 },
  { "iso-8859-16", &enc_iso_8859_16 },
  { "iso-8859-2", &enc_iso_8859_2 },
  { "iso-8859-3", &enc_iso_8859_3 },
  { "iso-8859-4", &enc_iso_8859_4 },
  { "iso-8859-5", &enc_iso_8859_5 },
  { "iso-8859-6", &enc_iso_8859_6 },
  { "iso-8859-6-e", &enc_iso_8859_6 },
  { "iso-8859-6-i", &enc_iso_8859_6 },
  { "iso-8859-7", &enc_iso_8859_7 },
  { "iso-8859-8", &enc_iso_8859_8 },
  { "iso-8859-8-e", &enc_iso_8859_8 },
  { "iso-8859-8-i", &enc_iso_8859_8_i },
  { "iso-8859-9", &enc_windows_1254 },
  { "iso-ir-100", &gleaner_encoding_windows_1252 },
  { "iso-ir-101", &enc_iso_8859_2 },
  { "iso-ir-109", &enc_iso_8859_3 },
  { "iso-ir-110", &enc_iso_8859_4 },
  { "iso-ir-126", &enc_iso_8859_7 },
  { "iso-ir-127", &enc_iso_8859_6 },
  { "iso-ir-138", &enc_iso_8859_8 },
  { "iso-ir-144", &enc_iso_8859_5 },
  { "iso-ir-148", &enc_windows_1254 },
  { "iso-ir-149", &enc_euc_kr },
  { "iso-ir-157", &enc_iso_8859_10 },
  { "iso-ir-58", &enc_gbk },
  { "iso8859-1", &gleaner_encoding_windows_1252 },
  { "iso8859-10", &enc_iso_8859_10 },
  { "iso8859-11", &enc_windows_874 },
  { "iso8859-13", &enc_iso_8859_13 },
  { "iso8859-14", &enc_iso_8859_14 },
  { "iso8859-15", &enc_iso_8859_15 },
  { "iso8859-2", &enc_iso_8859_2 },
  { "iso8859-3", &enc_iso_8859_3 },
  { "iso8859-4", &enc_iso_8859_4 },
  { "iso8859-5", &enc_iso_8859_5 },
  { "iso8859-6", &enc_iso_8859_6 },
  { "iso8859-7", &enc_iso_8859_7 },
  { "iso8859-8", &enc_iso_8859_8 },
  { "iso8859-9", &enc_windows_1254 },
  { "iso88591", &gleaner_encoding_windows_1252 },
  { "iso885910", &enc_iso_8859_10 },
  { "iso885911", &enc_windows_874 },
  { "iso885913", &enc_iso_8859_13 },
  { "iso885914", &enc_iso_8859_14 },
  { "iso885915", &enc_iso_8859_15 },
  { "iso88592", &enc_iso_8859_2 },
  { "iso88593", &enc_iso_8859_3 },
  { "iso88594", &enc_iso_8859_4 },
  { "iso88595", &enc_iso_8859_5 },
  { "iso88596", &enc_iso_8859_6 },
  { "iso88597", &enc_iso_8859_7 },
  { "iso88598", &enc_iso_8859_8 },
  { "iso88599", &enc_windows_1254 },
  { "iso_8859-1", &gleaner_encoding_windows_1252 },
  { "iso_8859-15", &enc_iso_8859_15 },
  { "iso_8859-1:1987", &gleaner_encoding_windows_1252 },
  { "iso_8859-2", &enc_iso_8859_2 },
  { "iso_8859-2:1987", &enc_iso_8859_2 },
  { "iso_8859-3", &enc_iso_8859_3 },
  { "iso_8859-3:1988", &enc_iso_8859_3 },
  { "iso_8859-4", &enc_iso_8859_4 },
  { "iso_8859-4:1988", &enc_iso_8859_4 },
  { "iso_8859-5", &enc_iso_8859_5 },
  { "iso_8859-5:1988", &enc_iso_8859_5 },
  { "iso_8859-6", &enc_iso_8859_6 },
  { "iso_8859-6:1987", &enc_iso_8859_6 },
  { "iso_8859-7", &enc_iso_8859_7 },
  { "iso_8859-7:1987", &enc_iso_8859_7 },
  { "iso_8859-8", &enc_iso_8859_8 },
  { "iso_8859-8:1988", &enc_iso_8859_8 },
  { "iso_8859-9", &enc_windows_1254 },
  { "iso_8859-9:1989", &enc_windows_1254 },
  { "koi", &enc_koi8_r },
  { "koi8", &enc_koi8_r },
  { "koi8-r", &enc_koi8_r },
  { "koi8-ru", &enc_koi8_u },
  { "koi8-u", &enc_koi8_u },
  { "koi8_r", &enc_koi8_r },
  { "korean", &enc_euc_kr },
  { "ks_c_5601-1987", &enc_euc_kr },
  { "ks_c_5601-1989", &enc_euc_kr },
  { "ksc5601", &enc_euc_kr },
  { "ksc_5601", &enc_euc_kr },
  { "l1", &gleaner_encoding_windows_1252 },
  { "l2", &enc_iso_8859_2 },
  { "l3", &enc_iso_8859_3 },
  { "l4", &enc_iso_8859_4 },
  { "l5", &enc_windows_1254 },
  { "l6", &enc_iso_8859_10 },
  { "l9", &enc_iso_8859_15 },
  { "latin1", &gleaner_encoding_windows_1252 },
  { "latin2", &enc_iso_8859_2 },
  { "latin3", &enc_iso_8859_3 },
  { "latin4", &enc_iso_8859_4 },
  { "latin5", &enc_windows_1254 },
  { "latin6", &enc_iso_8859_10 },
  { "logical", &enc_iso_8859_8_i },
  { "mac", &enc_macintosh },
  { "macintosh", &enc_macintosh },
  { "ms932", &enc_shift_jis },
  { "ms_kanji", &enc_shift_jis },
  { "replacement", &gleaner_encoding_replacement },
  { "shift-jis", &enc_shift_jis },
  { "shift_jis", &enc_shift_jis },
  { "sjis", &enc_shift_jis },
  { "sun_eu_greek", &enc_iso_8859_7 },
  { "tis-620", &enc_windows_874 },
  { "ucs-2", &gleaner_encoding_utf16le },
  { "unicode", &gleaner_encoding_utf16le },
  { "unicode-1-1-utf-8", &gleaner_encoding_utf8 },
  { "unicode11utf8", &gleaner_encoding_utf8 },
  { "unicode20utf8", &gleaner_encoding_utf8 },
  { "unicodefeff", &gleaner_encoding_utf16le },
  { "unicodefffe", &gleaner_encoding_utf16be },
  { "us-ascii", &gleaner_encoding_windows_1252 },
  { "utf-16", &gleaner_encoding_utf16le },
  { "utf-16be", &gleaner_encoding_utf16be },
  { "utf-16le", &gleaner_encoding_utf16le },
  { "utf-8", &gleaner_encoding_utf8 },
  { "utf8", &gleaner_encoding_utf8 },
  { "visual", &enc_iso_8859_8 },
  { "windows-1250", &enc_windows_1250 },
  { "windows-1251", &enc_windows_1251 },
  { "windows-1252", &gleaner_encoding_windows_1252 },
  { "windows-1253", &enc_windows_1253 },
  { "windows-1254", &enc_windows_1254 },
  { "windows-1255", &enc_windows_1255 },
  { "windows-1256", &enc_windows_1256 },
  { "windows-1257", &enc_windows_1257 },
  { "windows-1258", &enc_windows_1258 },
  { "windows-31j", &enc_shift_jis },
  { "windows-874", &enc_windows_874 },
  { "windows-949", &enc_euc_kr },
  { "x-cp1250", &enc_windows_1250 },
  { "x-cp1251", &enc_windows_1251 },
  { "x-cp1252", &gleaner_encoding_windows_1252 },
  { "x-cp1253", &enc_windows_1253 },
  { "x-cp1254", &enc_windows_1254 },
  { "x-cp1255", &enc_windows_1255 },
  { "x-cp1256", &enc_windows_1256 },
  { "x-cp1257", &enc_windows_1257 },
  { "x-cp1258", &enc_windows_1258 },
  { "x-euc-jp", &enc_euc_jp },
  { "x-gbk", &enc_gbk },
  { "x-mac-cyrillic", &enc_x_mac_cyrillic },
  { "x-mac-roman", &enc_macintosh },
  { "x-mac-ukrainian", &enc_x_mac_cyrillic },
  { "x-sjis", &enc_shift_jis },
  { "x-unicode20utf8", &gleaner_encoding_utf8 },
  { "x-user-defined", &gleaner_encoding_x_user_defined },
  { "x-x-big5", &enc_big5 },
};

#define MAX_LABEL_LEN 20

static inline gboolean
is_ascii_ws (guint8 c)
{
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

const GleanerEncoding * const *
gleaner_encoding_list (guint *n_encodings)
{
  if (n_encodings != NULL)
    *n_encodings = N_ENCODINGS;
  return all_encodings;
}

/* For tests: the label table, in order. */
const char *
_gleaner_encoding_label_at (guint                   i,
                            const GleanerEncoding **encoding)
{
  if (i >= G_N_ELEMENTS (labels))
    return NULL;
  if (encoding != NULL)
    *encoding = labels[i].encoding;
  return labels[i].label;
}

const GleanerEncoding *
gleaner_encoding_for_label (const char *label,
                            gssize      len)
{
  char key[MAX_LABEL_LEN + 1];
  gsize start = 0, end, n;
  gsize lo = 0, hi = G_N_ELEMENTS (labels);

  if (label == NULL)
    return NULL;
  end = len < 0 ? strlen (label) : (gsize)len;
  while (start < end && is_ascii_ws ((guint8)label[start]))
    start++;
  while (end > start && is_ascii_ws ((guint8)label[end - 1]))
    end--;
  n = end - start;
  if (n == 0 || n > MAX_LABEL_LEN)
    return NULL;
  for (gsize i = 0; i < n; i++)
    key[i] = g_ascii_tolower (label[start + i]);
  key[n] = '\0';

  while (lo < hi)
    {
      gsize mid = (lo + hi) / 2;
      int cmp = strcmp (key, labels[mid].label);

      if (cmp == 0)
        return labels[mid].encoding;
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return NULL;
}

const GleanerEncoding *
gleaner_encoding_for_name (const char *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < N_ENCODINGS; i++)
    if (g_ascii_strcasecmp (all_encodings[i]->name, name) == 0)
      return all_encodings[i];
  return NULL;
}

const GleanerEncoding *
gleaner_encoding_sniff_bom (const guint8 *data,
                            gsize         len,
                            gsize        *bom_len)
{
  gsize dummy;

  if (bom_len == NULL)
    bom_len = &dummy;
  *bom_len = 0;
  if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    {
      *bom_len = 3;
      return &gleaner_encoding_utf8;
    }
  if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF)
    {
      *bom_len = 2;
      return &gleaner_encoding_utf16be;
    }
  if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE)
    {
      *bom_len = 2;
      return &gleaner_encoding_utf16le;
    }
  return NULL;
}

/* ---- MIME types ------------------------------------------------------------- */

static inline gboolean
is_http_ws (char c)
{
  return c == '\t' || c == '\n' || c == '\r' || c == ' ';
}

static gboolean
is_token_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/**
 * gleaner_content_type_parse:
 * @content_type: a Content-Type header value
 * @essence: (out) (optional): "type/subtype", ASCII-lowercased
 * @charset: (out) (optional) (nullable): the first valid charset parameter's value
 *
 * The WHATWG MIME Sniffing "parse a MIME type" algorithm, as far as Gleaner needs it.
 *
 * Returns: FALSE when @content_type is not a valid MIME type.
 */
gboolean
gleaner_content_type_parse (const char  *content_type,
                            char       **essence,
                            char       **charset)
{
  const char *p = content_type, *end;
  const char *type, *subtype;
  gsize type_len, subtype_len;
  g_autofree char *found_charset = NULL;

  if (essence != NULL)
    *essence = NULL;
  if (charset != NULL)
    *charset = NULL;
  if (content_type == NULL)
    return FALSE;

  end = p + strlen (p);
  while (p < end && is_http_ws (*p))
    p++;
  while (end > p && is_http_ws (end[-1]))
    end--;

  type = p;
  while (p < end && *p != '/')
    p++;
  type_len = p - type;
  if (type_len == 0 || p >= end)
    return FALSE;
  for (gsize i = 0; i < type_len; i++)
    if (!is_token_char (type[i]))
      return FALSE;
  p++;
  subtype = p;
  while (p < end && *p != ';')
    p++;
  subtype_len = p - subtype;
  while (subtype_len > 0 && is_http_ws (subtype[subtype_len - 1]))
    subtype_len--;
  if (subtype_len == 0)
    return FALSE;
  for (gsize i = 0; i < subtype_len; i++)
    if (!is_token_char (subtype[i]))
      return FALSE;

  /* Parameters never make a type invalid; only the charset needs them. */
  while (charset != NULL && p < end)
    {
      const char *name;
      gsize name_len;
      g_autoptr(GString) value = g_string_new (NULL);
      gboolean valid = TRUE;

      p++;  /* ';' */
      while (p < end && is_http_ws (*p))
        p++;
      name = p;
      while (p < end && *p != ';' && *p != '=')
        p++;
      name_len = p - name;
      if (p >= end)
        break;
      if (*p == ';')
        continue;
      p++;  /* '=' */
      if (p < end && *p == '"')
        {
          p++;
          while (p < end && *p != '"')
            {
              if (*p == '\\' && p + 1 < end)
                p++;
              g_string_append_c (value, *p);
              p++;
            }
          while (p < end && *p != ';')
            p++;
        }
      else
        {
          const char *v = p;
          gsize vlen;

          while (p < end && *p != ';')
            p++;
          vlen = p - v;
          while (vlen > 0 && is_http_ws (v[vlen - 1]))
            vlen--;
          if (vlen == 0)
            valid = FALSE;
          g_string_append_len (value, v, vlen);
        }
      for (gsize i = 0; i < name_len && valid; i++)
        valid = is_token_char (name[i]);
      if (valid && name_len == 7 && g_ascii_strncasecmp (name, "charset", 7) == 0 &&
          found_charset == NULL)
        found_charset = g_strdup (value->str);
    }

  if (essence != NULL)
    {
      /* Called several times per page: no printf, one allocation. */
      char *e = g_malloc (type_len + 1 + subtype_len + 1);

      for (gsize i = 0; i < type_len; i++)
        e[i] = g_ascii_tolower (type[i]);
      e[type_len] = '/';
      for (gsize i = 0; i < subtype_len; i++)
        e[type_len + 1 + i] = g_ascii_tolower (subtype[i]);
      e[type_len + 1 + subtype_len] = '\0';
      *essence = e;
    }
  if (charset != NULL)
    *charset = g_steal_pointer (&found_charset);
  return TRUE;
}

const GleanerEncoding *
gleaner_encoding_from_content_type (const char *content_type)
{
  g_autofree char *charset = NULL;

  if (!gleaner_content_type_parse (content_type, NULL, &charset) || charset == NULL)
    return NULL;
  return gleaner_encoding_for_label (charset, -1);
}

/* ---- meta prescan (HTML "prescan a byte stream to determine its encoding") ---- */

const GleanerEncoding *
gleaner_encoding_from_meta_content (const char *s,
                                    gsize       len)
{
  gsize pos = 0;

  for (;;)
    {
      gsize i;

      /* Loop: find "charset", ASCII case-insensitively, after pos. */
      for (i = pos; i + 7 <= len; i++)
        if (g_ascii_strncasecmp (s + i, "charset", 7) == 0)
          break;
      if (i + 7 > len)
        return NULL;
      pos = i + 7;
      while (pos < len && is_ascii_ws ((guint8)s[pos]))
        pos++;
      if (pos >= len || s[pos] != '=')
        continue;
      pos++;
      while (pos < len && is_ascii_ws ((guint8)s[pos]))
        pos++;
      if (pos >= len)
        return NULL;
      if (s[pos] == '"' || s[pos] == '\'')
        {
          const char *close = memchr (s + pos + 1, s[pos], len - pos - 1);

          if (close == NULL)
            return NULL;
          return gleaner_encoding_for_label (s + pos + 1, close - (s + pos + 1));
        }
      for (i = pos; i < len && !is_ascii_ws ((guint8)s[i]) && s[i] != ';'; i++)
        ;
      return gleaner_encoding_for_label (s + pos, i - pos);
    }
}

typedef enum
{
  ATTR_FOUND,
  ATTR_NONE,
  ATTR_EOF,
} AttrResult;

/* "get an attribute" of the prescan: names and values come out ASCII-lowercased. */
static AttrResult
prescan_get_attribute (const guint8 *d,
                       gsize         n,
                       gsize        *pos,
                       GString      *name,
                       GString      *value)
{
  gsize p = *pos;

  g_string_truncate (name, 0);
  g_string_truncate (value, 0);
  while (p < n && (is_ascii_ws (d[p]) || d[p] == '/'))
    p++;
  if (p >= n)
    return ATTR_EOF;
  if (d[p] == '>')
    {
      *pos = p;
      return ATTR_NONE;
    }
  for (;;)
    {
      if (p >= n)
        return ATTR_EOF;
      if (d[p] == '=' && name->len > 0)
        {
          p++;
          goto value;
        }
      if (is_ascii_ws (d[p]))
        break;
      if (d[p] == '/' || d[p] == '>')
        {
          *pos = p;
          return ATTR_FOUND;
        }
      g_string_append_c (name, g_ascii_tolower (d[p]));
      p++;
    }
  while (p < n && is_ascii_ws (d[p]))
    p++;
  if (p >= n)
    return ATTR_EOF;
  if (d[p] != '=')
    {
      *pos = p;
      return ATTR_FOUND;
    }
  p++;
value:
  while (p < n && is_ascii_ws (d[p]))
    p++;
  if (p >= n)
    return ATTR_EOF;
  if (d[p] == '"' || d[p] == '\'')
    {
      guint8 quote = d[p++];

      for (;;)
        {
          if (p >= n)
            return ATTR_EOF;
          if (d[p] == quote)
            {
              *pos = p + 1;
              return ATTR_FOUND;
            }
          g_string_append_c (value, g_ascii_tolower (d[p]));
          p++;
        }
    }
  if (d[p] == '>')
    {
      *pos = p;
      return ATTR_FOUND;
    }
  for (;;)
    {
      if (p >= n)
        return ATTR_EOF;
      if (is_ascii_ws (d[p]) || d[p] == '>')
        {
          *pos = p;
          return ATTR_FOUND;
        }
      g_string_append_c (value, g_ascii_tolower (d[p]));
      p++;
    }
}

static inline gboolean
starts_with_ci (const guint8 *d,
                gsize         n,
                gsize         pos,
                const char   *s)
{
  gsize l = strlen (s);

  return pos + l <= n && g_ascii_strncasecmp ((const char *)d + pos, s, l) == 0;
}

const GleanerEncoding *
gleaner_encoding_prescan (const guint8 *data,
                          gsize         len)
{
  gsize n = MIN (len, 1024);
  gsize pos = 0;
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new (NULL);

  while (pos < n)
    {
      if (starts_with_ci (data, n, pos, "<!--"))
        {
          /* The '>' of the first "-->"; the dashes of "<!--" count. */
          gsize q = pos + 2;

          while (q + 2 < n && !(data[q] == '-' && data[q + 1] == '-' && data[q + 2] == '>'))
            q++;
          if (q + 2 >= n)
            return NULL;
          pos = q + 3;
          continue;
        }
      if (starts_with_ci (data, n, pos, "<meta") && pos + 5 < n &&
          (is_ascii_ws (data[pos + 5]) || data[pos + 5] == '/'))
        {
          g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
          gboolean got_pragma = FALSE;
          int need_pragma = -1;  /* null */
          const GleanerEncoding *charset = NULL;
          gboolean charset_set = FALSE;

          pos += 5;
          for (;;)
            {
              AttrResult r = prescan_get_attribute (data, n, &pos, name, value);
              gboolean dup = FALSE;

              if (r == ATTR_EOF)
                return NULL;
              if (r == ATTR_NONE)
                break;
              for (guint i = 0; i < seen->len && !dup; i++)
                dup = strcmp (seen->pdata[i], name->str) == 0;
              if (dup)
                continue;
              g_ptr_array_add (seen, g_strdup (name->str));
              if (strcmp (name->str, "http-equiv") == 0)
                {
                  if (strcmp (value->str, "content-type") == 0)
                    got_pragma = TRUE;
                }
              else if (strcmp (name->str, "content") == 0)
                {
                  const GleanerEncoding *e = gleaner_encoding_from_meta_content (value->str,
                                                                                 value->len);

                  if (e != NULL && !charset_set)
                    {
                      charset = e;
                      charset_set = TRUE;
                      need_pragma = 1;
                    }
                }
              else if (strcmp (name->str, "charset") == 0)
                {
                  charset = gleaner_encoding_for_label (value->str, value->len);
                  charset_set = TRUE;
                  need_pragma = 0;
                }
            }
          if (need_pragma != -1 && !(need_pragma == 1 && !got_pragma) && charset != NULL)
            {
              if (charset == &gleaner_encoding_utf16be || charset == &gleaner_encoding_utf16le)
                return &gleaner_encoding_utf8;
              if (charset == &gleaner_encoding_x_user_defined)
                return &gleaner_encoding_windows_1252;
              return charset;
            }
          pos++;
          continue;
        }
      if (pos + 1 < n && data[pos] == '<' &&
          (g_ascii_isalpha (data[pos + 1]) ||
           (data[pos + 1] == '/' && pos + 2 < n && g_ascii_isalpha (data[pos + 2]))))
        {
          while (pos < n && !is_ascii_ws (data[pos]) && data[pos] != '>')
            pos++;
          for (;;)
            {
              AttrResult r = prescan_get_attribute (data, n, &pos, name, value);

              if (r == ATTR_EOF)
                return NULL;
              if (r == ATTR_NONE)
                break;
            }
          pos++;
          continue;
        }
      if (pos + 1 < n && data[pos] == '<' &&
          (data[pos + 1] == '!' || data[pos + 1] == '/' || data[pos + 1] == '?'))
        {
          const guint8 *gt = memchr (data + pos, '>', n - pos);

          if (gt == NULL)
            return NULL;
          pos = gt - data + 1;
          continue;
        }
      pos++;
    }
  return NULL;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* Length of the valid sequence starting at d[0] (lead byte >= 0x80), 0 when
 * invalid; sets *truncated when it is a valid but incomplete start. */
static inline gsize
utf8_sequence (const guint8 *d,
               gsize         avail,
               gboolean     *truncated)
{
  guint8 c = d[0];
  guint8 lo = 0x80, hi = 0xBF;
  gsize need;

  *truncated = FALSE;
  if (c >= 0xC2 && c <= 0xDF)
    need = 1;
  else if (c >= 0xE0 && c <= 0xEF)
    {
      need = 2;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F;
    }
  else if (c >= 0xF0 && c <= 0xF4)
    {
      need = 3;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    }
  else
    return 0;

  for (gsize i = 1; i <= need; i++)
    {
      if (i >= avail)
        {
          *truncated = TRUE;
          return 0;
        }
      if (d[i] < lo || d[i] > hi)
        return 0;
      lo = 0x80;
      hi = 0xBF;
    }
  return need + 1;
}

/* Index of the first byte that is not part of valid UTF-8 in d[0..len), or len.
 * A sequence cut by the end counts as invalid unless @allow_cut_tail, in
 * which case its start is returned with *truncated set. */
static gsize
utf8_valid_prefix (const guint8 *d,
                   gsize         len,
                   gboolean     *non_ascii,
                   gboolean     *truncated)
{
  gsize i = 0;
  gboolean high = FALSE;

  *truncated = FALSE;
  while (i < len)
    {
      gsize n;

      /* ASCII fast path, 8 bytes at a time. */
      while (i + 8 <= len)
        {
          guint64 w;

          memcpy (&w, d + i, 8);
          if (w & G_GUINT64_CONSTANT (0x8080808080808080))
            break;
          i += 8;
        }
      while (i < len && d[i] < 0x80)
        i++;
      if (i >= len)
        break;
      high = TRUE;
      n = utf8_sequence (d + i, len - i, truncated);
      if (n == 0)
        break;
      i += n;
    }
  if (non_ascii != NULL)
    *non_ascii = high;
  return i;
}

gboolean
gleaner_utf8_validate (const guint8 *data,
                       gsize         len,
                       gboolean      allow_cut_tail,
                       gboolean     *non_ascii)
{
  gboolean truncated;
  gsize v = utf8_valid_prefix (data, len, non_ascii, &truncated);

  return v == len || (allow_cut_tail && truncated);
}

/* Shared with the title parser: the valid prefix length of @data. */
gsize
_gleaner_utf8_valid_prefix (const guint8 *data,
                            gsize         len,
                            gboolean     *non_ascii,
                            gboolean     *truncated)
{
  return utf8_valid_prefix (data, len, non_ascii, truncated);
}

/* ---- uchardet names ------------------------------------------------------- */

const GleanerEncoding *
gleaner_encoding_for_detected_name (const char *name)
{
  static const struct
  {
    const char *name;
    const GleanerEncoding *encoding;
  } extra[] = {
    { "MAC-CYRILLIC", &enc_x_mac_cyrillic },
    { "UHC", &enc_euc_kr },
    { "CP949", &enc_euc_kr },
    { "CP932", &enc_shift_jis },
    { "CP936", &enc_gbk },
    { "TIS-620", &enc_windows_874 },
    { "ISO-8859-11", &enc_windows_874 },
    { "MAC-CENTRALEUROPE", NULL },
  };
  const GleanerEncoding *e;

  if (name == NULL || *name == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    if (g_ascii_strcasecmp (name, extra[i].name) == 0)
      return extra[i].encoding;
  e = gleaner_encoding_for_label (name, -1);
  /* Browsers never guess these: UTF-16 needs a BOM, and a guess must not
   * turn a page into one U+FFFD (replacement) or x-user-defined. */
  if (e == &gleaner_encoding_utf16le || e == &gleaner_encoding_utf16be ||
      e == &gleaner_encoding_replacement || e == &gleaner_encoding_x_user_defined)
    return NULL;
  return e;
}

/* ---- decoder -------------------------------------------------------------- */

typedef struct
{
  gunichar table[128];  /* bytes 0x80..0xFF; 0 = unmapped */
  gboolean built;
} SingleByteTable;

struct _GleanerDecoder
{
  /* owned, cached across documents */
  GIConv           cds[N_ENCODINGS];
  SingleByteTable *tables[N_ENCODINGS];

  /* the current document */
  const GleanerEncoding *encoding;
  guint                  index;
  gboolean               replacement_done;
};

static const gunichar replacement_char = 0xFFFD;

static inline void
append_unichar (GString  *out,
                gunichar  c)
{
  char buf[6];

  if (c < 0x80)
    g_string_append_c (out, (char)c);
  else
    g_string_append_len (out, buf, g_unichar_to_utf8 (c, buf));
}

static inline void
append_fffd (GString *out)
{
  g_string_append_len (out, "\xEF\xBF\xBD", 3);
}

GleanerDecoder *
gleaner_decoder_new (void)
{
  GleanerDecoder *self = g_new0 (GleanerDecoder, 1);

  for (guint i = 0; i < N_ENCODINGS; i++)
    self->cds[i] = (GIConv)-1;
  self->encoding = &gleaner_encoding_utf8;
  return self;
}

void
gleaner_decoder_free (GleanerDecoder *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < N_ENCODINGS; i++)
    {
      if (self->cds[i] != (GIConv)-1)
        g_iconv_close (self->cds[i]);
      g_free (self->tables[i]);
    }
  g_free (self);
}

static guint
encoding_index (const GleanerEncoding *encoding)
{
  for (guint i = 0; i < N_ENCODINGS; i++)
    if (all_encodings[i] == encoding)
      return i;
  g_return_val_if_reached (0);
}

static GIConv
get_cd_for (GleanerDecoder        *self,
            const GleanerEncoding *encoding)
{
  GIConv *cd = &self->cds[encoding_index (encoding)];

  if (*cd == (GIConv)-1 && encoding->iconv_name != NULL)
    *cd = g_iconv_open ("UTF-8", encoding->iconv_name);
  return *cd;
}

static GIConv
get_cd (GleanerDecoder *self)
{
  return get_cd_for (self, self->encoding);
}

/* Where glibc's tables differ from the WHATWG indexes (checked byte by byte
 * against Chromium's TextDecoder). */
static const struct
{
  const GleanerEncoding *encoding;
  guint8                 byte;
  gunichar               code_point;
} single_byte_patches[] = {
  { &enc_koi8_u, 0xAE, 0x045E },
  { &enc_koi8_u, 0xBE, 0x040E },
  { &enc_macintosh, 0xC6, 0x2206 },
  { &enc_macintosh, 0xF0, 0xF8FF },
  { &enc_x_mac_cyrillic, 0xFF, 0x20AC },
  { &enc_windows_1255, 0xCA, 0x05BA },
};

static void
build_single_byte_table (GleanerDecoder  *self,
                         SingleByteTable *t)
{
  GIConv cd = get_cd (self);
  gboolean windows = g_str_has_prefix (self->encoding->name, "windows-");

  for (guint b = 0x80; b < 0x100; b++)
    {
      char in = (char)b, out[8];
      gchar *inp = &in, *outp = out;
      gsize inleft = 1, outleft = sizeof out;

      t->table[b - 0x80] = 0;
      if (cd == (GIConv)-1)
        continue;
      g_iconv (cd, NULL, NULL, NULL, NULL);
      /* CP1255 and CP1258 hold a base letter back (to compose it with a following
       * accent, which WHATWG does not do): flush it out. */
      if (g_iconv (cd, &inp, &inleft, &outp, &outleft) != (gsize)-1 && inleft == 0 &&
          g_iconv (cd, NULL, NULL, &outp, &outleft) != (gsize)-1)
        {
          gunichar c = g_utf8_get_char_validated (out, sizeof out - outleft);

          if (c != (gunichar)-1 && c != (gunichar)-2 &&
              g_utf8_next_char (out) - out == (gssize)(sizeof out - outleft))
            t->table[b - 0x80] = c;
        }
      /* The WHATWG windows-* indexes map glibc's holes in 0x80-0x9F to C1 controls. */
      if (t->table[b - 0x80] == 0 && windows && b < 0xA0)
        t->table[b - 0x80] = b;
    }
  for (guint i = 0; i < G_N_ELEMENTS (single_byte_patches); i++)
    if (single_byte_patches[i].encoding == self->encoding)
      t->table[single_byte_patches[i].byte - 0x80] = single_byte_patches[i].code_point;
  t->built = TRUE;
}

void
gleaner_decoder_reset (GleanerDecoder        *self,
                       const GleanerEncoding *encoding)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (encoding != NULL);

  self->encoding = encoding;
  self->index = encoding_index (encoding);
  self->replacement_done = FALSE;

  if (encoding->kind == GLEANER_ENCODING_KIND_SINGLE_BYTE && self->tables[self->index] == NULL)
    {
      self->tables[self->index] = g_new0 (SingleByteTable, 1);
      build_single_byte_table (self, self->tables[self->index]);
    }
  if (encoding->kind == GLEANER_ENCODING_KIND_MULTI_BYTE)
    {
      GIConv cd = get_cd (self);

      if (cd != (GIConv)-1)
        g_iconv (cd, NULL, NULL, NULL, NULL);
    }
}

static gsize
decode_utf8 (const guint8 *d,
             gsize         len,
             gboolean      final,
             GString      *out)
{
  gsize i = 0;

  while (i < len)
    {
      gsize start = i;
      gboolean truncated;
      gsize n;

      while (i < len && d[i] < 0x80)
        i++;
      if (i > start)
        g_string_append_len (out, (const char *)d + start, i - start);
      if (i >= len)
        break;
      n = utf8_sequence (d + i, len - i, &truncated);
      if (n > 0)
        {
          g_string_append_len (out, (const char *)d + i, n);
          i += n;
          continue;
        }
      if (truncated)
        {
          if (!final)
            return i;
          /* One U+FFFD for the incomplete sequence at the end. */
          append_fffd (out);
          return len;
        }
      /* A maximal subpart of an ill-formed sequence becomes one U+FFFD: the lead and
       * every continuation byte that was still acceptable. */
      {
        guint8 c = d[i];
        guint8 lo = 0x80, hi = 0xBF;
        gsize need = 0, j = 1;

        if (c >= 0xC2 && c <= 0xDF)
          need = 1;
        else if (c >= 0xE0 && c <= 0xEF)
          {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
          }
        else if (c >= 0xF0 && c <= 0xF4)
          {
            need = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
          }
        while (j <= need && i + j < len && d[i + j] >= lo && d[i + j] <= hi)
          {
            j++;
            lo = 0x80;
            hi = 0xBF;
          }
        append_fffd (out);
        i += j;
      }
    }
  return len;
}

static gsize
decode_utf16 (const guint8 *d,
              gsize         len,
              gboolean      final,
              gboolean      big_endian,
              GString      *out)
{
  gsize i = 0;

  while (i + 2 <= len)
    {
      gunichar u = big_endian ? (d[i] << 8 | d[i + 1]) : (d[i + 1] << 8 | d[i]);

      if (u >= 0xD800 && u <= 0xDBFF)
        {
          gunichar u2;

          if (i + 4 > len)
            {
              if (!final)
                return i;
              append_fffd (out);
              return len;
            }
          u2 = big_endian ? (d[i + 2] << 8 | d[i + 3]) : (d[i + 3] << 8 | d[i + 2]);
          if (u2 >= 0xDC00 && u2 <= 0xDFFF)
            {
              append_unichar (out, 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00));
              i += 4;
            }
          else
            {
              /* The second unit is decoded on its own. */
              append_fffd (out);
              i += 2;
            }
          continue;
        }
      if (u >= 0xDC00 && u <= 0xDFFF)
        append_fffd (out);
      else
        append_unichar (out, u);
      i += 2;
    }
  if (i < len)
    {
      if (!final)
        return i;
      append_fffd (out);
    }
  return len;
}

static gsize
decode_single_byte (const SingleByteTable *t,
                    const guint8          *d,
                    gsize                  len,
                    GString               *out)
{
  gsize i = 0;

  while (i < len)
    {
      gsize start = i;

      while (i < len && d[i] < 0x80)
        i++;
      if (i > start)
        g_string_append_len (out, (const char *)d + start, i - start);
      for (; i < len && d[i] >= 0x80; i++)
        {
          gunichar c = t->table[d[i] - 0x80];

          append_unichar (out, c != 0 ? c : replacement_char);
        }
    }
  return len;
}

/* The lead bytes of the double-byte encodings (WHATWG decoders). */
static gboolean
is_lead_byte (const GleanerEncoding *e,
              guint8                 b)
{
  if (e == &enc_shift_jis)
    return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC);
  if (e == &enc_euc_jp)
    return b == 0x8E || b == 0x8F || (b >= 0xA1 && b <= 0xFE);
  if (e == &enc_iso_2022_jp)
    return FALSE;
  return b >= 0x81 && b <= 0xFE;
}

/* EUC-JP rows 89-92 (leads 0xF9-0xFC) are the NEC-selected IBM extensions in
 * WHATWG's jis0208 index, as Shift_JIS 0xED40-0xEEFC are: decode them that way. */
static void
append_ibm_extension (GleanerDecoder *self,
                      guint           lead,
                      guint           trail,
                      GString        *out)
{
  guint row = lead - 0xA1, col = trail - 0xA1;
  char sjis[2], buf[8];
  gchar *inp = sjis, *outp = buf;
  gsize inleft = 2, outleft = sizeof buf;
  GIConv cd = get_cd_for (self, &enc_shift_jis);

  sjis[0] = (char)(row / 2 + (row < 62 ? 0x81 : 0xC1));
  sjis[1] = (char)(row % 2 == 0 ? col + (col < 63 ? 0x40 : 0x41) : col + 0x9F);
  if (cd != (GIConv)-1 && g_iconv (cd, &inp, &inleft, &outp, &outleft) != (gsize)-1)
    g_string_append_len (out, buf, outp - buf);
  else
    g_string_append (out, "\xEF\xBF\xBD");
}

/* The length of a character of glibc's output at @p that WHATWG decodes
 * differently, or 0. */
static gsize
needs_fix (const GleanerEncoding *e,
           const guint8          *p,
           gsize                  avail)
{
  if (avail < 2 || p[0] < 0xC2)
    return 0;
  if (e == &enc_gbk || e == &enc_gb18030)
    return avail >= 3 && p[0] == 0xEE && p[1] == 0x97 && p[2] == 0xA5 ? 3 : 0;
  if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
    return 2;
  if (e == &enc_euc_jp && avail >= 3 &&
      ((p[0] == 0xEE && p[1] >= 0x80) || (p[0] == 0xEF && p[1] <= 0xA3)))
    return 3;
  return 0;
}

/* Where glibc's output differs from the WHATWG decoders (checked against
 * Chromium for every two-byte sequence): glibc's EUC-JP-MS and BIG5-HKSCS pass
 * single bytes 0x80-0x9F through as C1 controls and EUC-JP-MS maps the user-defined
 * rows 0xF5-0xFE to the Private Use Area (U+E000 on, 94 per row), where WHATWG has
 * errors or IBM extensions; glibc's GB18030 maps 0xA3A0 to U+E5E5 where WHATWG
 * has U+3000. Rewrites out[from..] in one pass. */
static void
fix_iconv_output (GleanerDecoder *self,
                  GString        *out,
                  gsize           from)
{
  const GleanerEncoding *e = self->encoding;
  g_autoptr(GString) fixed = NULL;
  gsize k, copied;

  if (e != &enc_euc_jp && e != &enc_big5 && e != &enc_gbk && e != &enc_gb18030)
    return;
  for (k = from; k < out->len; k++)
    if (needs_fix (e, (const guint8 *)out->str + k, out->len - k))
      break;
  if (k >= out->len)
    return;

  fixed = g_string_sized_new (out->len - from + 16);
  copied = from;
  for (; k < out->len; k++)
    {
      const guint8 *p = (const guint8 *)out->str + k;
      gsize n = needs_fix (e, p, out->len - k);

      if (n == 0)
        continue;
      g_string_append_len (fixed, out->str + copied, k - copied);
      if (n == 3 && (e == &enc_gbk || e == &enc_gb18030))
        g_string_append (fixed, "\xE3\x80\x80");
      else if (n == 3)
        {
          gunichar pua = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
          guint index = pua - 0xE000;
          guint lead = 0xF5 + index / 94, trail = 0xA1 + index % 94;

          if (lead >= 0xF9 && lead <= 0xFC)
            append_ibm_extension (self, lead, trail, fixed);
          else
            g_string_append (fixed, "\xEF\xBF\xBD");
        }
      else
        g_string_append (fixed, "\xEF\xBF\xBD");
      k += n - 1;
      copied = k + 1;
    }
  g_string_append_len (fixed, out->str + copied, out->len - copied);
  g_string_truncate (out, from);
  g_string_append_len (out, fixed->str, fixed->len);
}

static gsize
decode_iconv (GleanerDecoder *self,
              const guint8   *d,
              gsize           len,
              gboolean        final,
              GString        *out)
{
  const GleanerEncoding *e = self->encoding;
  GIConv cd = get_cd (self);
  gchar *inp = (gchar *)d;
  gsize inleft = len;

  if (cd == (GIConv)-1)
    {
      /* No converter: every non-ASCII byte is an error. */
      for (gsize i = 0; i < len; i++)
        {
          if (d[i] < 0x80)
            g_string_append_c (out, (char)d[i]);
          else
            append_fffd (out);
        }
      return len;
    }

  while (inleft > 0)
    {
      gsize old_len = out->len;
      gsize room = MAX (inleft * 4, 64);
      gchar *outp;
      gsize outleft, r;
      int err;

      g_string_set_size (out, old_len + room);
      outp = out->str + old_len;
      outleft = room;
      r = g_iconv (cd, &inp, &inleft, &outp, &outleft);
      err = errno;
      g_string_set_size (out, outp - out->str);

      if (out->len > old_len)
        fix_iconv_output (self, out, old_len);

      if (r != (gsize)-1)
        break;
      if (err == E2BIG)
        continue;
      if (err == EINVAL)
        {
          /* An incomplete sequence at the end. */
          if (!final)
            break;
          append_fffd (out);
          inleft = 0;
          break;
        }
      if (err != EILSEQ)
        {
          append_fffd (out);
          inp++;
          inleft--;
          continue;
        }

      if (inleft == 0)
        {
          /* glibc reports some errors only after consuming the bytes. */
          append_fffd (out);
          break;
        }
      /* glibc's ISO-2022-JP says EILSEQ, not EINVAL, for an escape sequence cut
       * by the end of the buffer: wait for the rest. */
      if (!final && e == &enc_iso_2022_jp && (guint8)*inp == 0x1B && inleft < 4)
        break;
      {
        guint8 b = (guint8)*inp;
        gsize skip = 1;

        if (b == 0x80 && e == &enc_shift_jis)
          append_unichar (out, 0x80);
        else if (b == 0x80 && (e == &enc_gbk || e == &enc_gb18030))
          append_unichar (out, 0x20AC);
        else
          {
            append_fffd (out);
            /* WHATWG: an unmapped pair whose trail byte is not ASCII is consumed
             * whole; an ASCII trail byte is decoded again on its own. */
            if (is_lead_byte (e, b) && inleft >= 2 && (guint8)inp[1] >= 0x80)
              skip = 2;
          }
        inp += skip;
        inleft -= skip;
        if (e == &enc_iso_2022_jp)
          g_iconv (cd, NULL, NULL, NULL, NULL);
      }
    }
  return len - inleft;
}

gsize
gleaner_decoder_decode (GleanerDecoder *self,
                        const guint8   *data,
                        gsize           len,
                        gboolean        final,
                        GString        *out)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (out != NULL, 0);

  switch (self->encoding->kind)
    {
    case GLEANER_ENCODING_KIND_UTF8:
      return decode_utf8 (data, len, final, out);
    case GLEANER_ENCODING_KIND_UTF16LE:
      return decode_utf16 (data, len, final, FALSE, out);
    case GLEANER_ENCODING_KIND_UTF16BE:
      return decode_utf16 (data, len, final, TRUE, out);
    case GLEANER_ENCODING_KIND_SINGLE_BYTE:
      return decode_single_byte (self->tables[self->index], data, len, out);
    case GLEANER_ENCODING_KIND_MULTI_BYTE:
      return decode_iconv (self, data, len, final, out);
    case GLEANER_ENCODING_KIND_REPLACEMENT:
      if (len > 0 && !self->replacement_done)
        {
          append_fffd (out);
          self->replacement_done = TRUE;
        }
      return len;
    case GLEANER_ENCODING_KIND_X_USER_DEFINED:
      for (gsize i = 0; i < len; i++)
        append_unichar (out, data[i] < 0x80 ? data[i] : 0xF780 + data[i] - 0x80);
      return len;
    default:
      g_return_val_if_reached (len);
    }
}
