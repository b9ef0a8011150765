/* gleaner-title-parser.c: encoding sniffing and page facts (title, description, ...)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <uchardet.h>

#include "gleaner-encoding.h"
#include "gleaner-entities.h"
#include "gleaner-title-parser.h"

/* How this works
 *
 * HTML is not handed to libxml2: its 2.9 HTML parser neither treats <title> as
 * RCDATA nor knows SVG, and newer versions behave differently, so a scanner
 * modelled on the HTML5 tokenizer runs over the decoded text instead. It keeps
 * the tokenizer's states that decide where markup is (data, tags and attributes
 * with their quoting, comments, doctype, bogus comments, CDATA in foreign content,
 * RCDATA, RAWTEXT, script data with its escapes, PLAINTEXT) and an approximate
 * stack of open elements, enough to know when it is inside <svg>, <math> (with
 * their integration points) or <template>, where an <h1> ends, and which
 * <title> comes first in tree order when one is foster-parented out of a
 * table. <frameset> is approximated; <select> parsing and the adoption agency
 * (misnested formatting tags) are not modelled.
 *
 * Encoding (HTML): BOM, then the Content-Type charset, then a <meta> scan as
 * Chromium does it (the same scanner run over the raw bytes: the first 1024 bytes
 * unconditionally, further while only head elements have been seen; metas in
 * script, style or title text do not count), then an <?xml encoding?> at byte 0,
 * then uchardet for undeclared bytes that are not UTF-8, then windows-1252.
 * Gleaner's policy overrides all but the BOM: valid UTF-8 with non-ASCII bytes is
 * decoded as UTF-8. Text is decoded lazily, a chunk at a time, and not at all
 * (zero copy) when the bytes are valid UTF-8 or plain ASCII.
 *
 * XML types go to libxml2's XML parser. */

#define MAX_DEPTH        512
#define MAX_ATTRS        8
#define NAME_BUF         24
#define FIRST_CHUNK      4096
#define MAX_CHUNK        (256 * 1024)
#define DETECT_BYTES     (64 * 1024)
#define SNIFF_BYTES      512
#define KEEP_BUFFER_BYTES (1024 * 1024)
/* The scanner never looks further ahead than this past the point where it stops. */
#define LOOKAHEAD_MARGIN 64
/* Text that an incomplete sequence at the end of the input can change. */
#define FLUSH_MARGIN     8

struct _GleanerTitleParser
{
  /* owned, reused from page to page (this thread only) */
  GleanerDecoder   *decoder;
  uchardet_t        detector;
  GString          *text;
  GString          *attr_values;
  GString          *title;
  GString          *h1;
  GString          *scratch;
  xmlParserCtxtPtr  xml_ctxt;
};

/* ---- tags ------------------------------------------------------------------ */

enum
{
  F_VOID       = 1 << 0,
  F_SPECIAL    = 1 << 1,  /* the HTML "special" category */
  F_BREAKOUT   = 1 << 2,  /* leaves foreign content */
  F_HEADISH    = 1 << 3,  /* does not end the head */
  F_CLOSES_P   = 1 << 4,  /* a start tag closes an open <p> */
  F_SCOPE      = 1 << 5,  /* a boundary of "has an element in scope" */
  F_CR_HEAD    = 1 << 6,  /* Chromium's meta scan keeps going past it */
  F_HEADING    = 1 << 7,
  F_TABLE_PART = 1 << 8,
};

typedef enum
{
  T_UNKNOWN = 0,
  T_A, T_ADDRESS, T_ANNOTATION_XML, T_APPLET, T_AREA, T_ARTICLE, T_ASIDE, T_B, T_BASE,
  T_BASEFONT, T_BGSOUND, T_BIG, T_BLOCKQUOTE, T_BODY, T_BR, T_BUTTON, T_CAPTION,
  T_CENTER, T_CODE, T_COL, T_COLGROUP, T_DD, T_DESC, T_DETAILS, T_DIALOG, T_DIR, T_DIV,
  T_DL, T_DT, T_EM, T_EMBED, T_FIELDSET, T_FIGCAPTION, T_FIGURE, T_FONT, T_FOOTER,
  T_FOREIGNOBJECT, T_FORM, T_FRAME, T_FRAMESET, T_H1, T_H2, T_H3, T_H4, T_H5, T_H6,
  T_HEAD, T_HEADER, T_HGROUP, T_HR, T_HTML, T_I, T_IFRAME, T_IMAGE, T_IMG, T_INPUT,
  T_KEYGEN, T_LI, T_LINK, T_LISTING, T_MAIN, T_MALIGNMARK, T_MARQUEE, T_MATH, T_MENU,
  T_META, T_MGLYPH, T_MI, T_MN, T_MO, T_MS, T_MTEXT, T_NAV, T_NOBR, T_NOEMBED,
  T_NOFRAMES, T_NOSCRIPT, T_OBJECT, T_OL, T_OPTGROUP, T_OPTION, T_P, T_PARAM,
  T_PLAINTEXT, T_PRE, T_RUBY, T_S, T_SCRIPT, T_SEARCH, T_SECTION, T_SELECT, T_SMALL,
  T_SOURCE, T_SPAN, T_STRIKE, T_STRONG, T_STYLE, T_SUB, T_SUMMARY, T_SUP, T_SVG,
  T_TABLE, T_TBODY, T_TD, T_TEMPLATE, T_TEXTAREA, T_TFOOT, T_TH, T_THEAD, T_TITLE,
  T_TR, T_TRACK, T_TT, T_U, T_UL, T_VAR, T_WBR, T_XMP,
  N_TAGS
} TagId;

typedef struct
{
  const char *name;
  guint       flags;
} TagInfo;

#define SP F_SPECIAL
#define BO F_BREAKOUT
#define CP F_CLOSES_P
/* Sorted by name (strcmp), in TagId order. */
static const TagInfo tags[N_TAGS] = {
  [T_UNKNOWN] = { "", 0 },
  [T_A] = { "a", 0 },
  [T_ADDRESS] = { "address", SP | CP },
  [T_ANNOTATION_XML] = { "annotation-xml", 0 },
  [T_APPLET] = { "applet", SP | F_SCOPE },
  [T_AREA] = { "area", SP | F_VOID },
  [T_ARTICLE] = { "article", SP | CP },
  [T_ASIDE] = { "aside", SP | CP },
  [T_B] = { "b", BO },
  [T_BASE] = { "base", SP | F_VOID | F_HEADISH | F_CR_HEAD },
  [T_BASEFONT] = { "basefont", SP | F_VOID | F_HEADISH },
  [T_BGSOUND] = { "bgsound", SP | F_VOID | F_HEADISH },
  [T_BIG] = { "big", BO },
  [T_BLOCKQUOTE] = { "blockquote", SP | BO | CP },
  [T_BODY] = { "body", SP | BO },
  [T_BR] = { "br", SP | BO | F_VOID },
  [T_BUTTON] = { "button", SP },
  [T_CAPTION] = { "caption", SP | F_SCOPE | F_TABLE_PART },
  [T_CENTER] = { "center", SP | BO | CP },
  [T_CODE] = { "code", BO },
  [T_COL] = { "col", SP | F_VOID },
  [T_COLGROUP] = { "colgroup", SP },
  [T_DD] = { "dd", SP | BO },
  [T_DESC] = { "desc", 0 },
  [T_DETAILS] = { "details", SP | CP },
  [T_DIALOG] = { "dialog", SP | CP },
  [T_DIR] = { "dir", SP | CP },
  [T_DIV] = { "div", SP | BO | CP },
  [T_DL] = { "dl", SP | BO | CP },
  [T_DT] = { "dt", SP | BO },
  [T_EM] = { "em", BO },
  [T_EMBED] = { "embed", SP | BO | F_VOID },
  [T_FIELDSET] = { "fieldset", SP | CP },
  [T_FIGCAPTION] = { "figcaption", SP | CP },
  [T_FIGURE] = { "figure", SP | CP },
  [T_FONT] = { "font", 0 },
  [T_FOOTER] = { "footer", SP | CP },
  [T_FOREIGNOBJECT] = { "foreignobject", 0 },
  [T_FORM] = { "form", SP | CP },
  [T_FRAME] = { "frame", SP | F_VOID },
  [T_FRAMESET] = { "frameset", SP },
  [T_H1] = { "h1", SP | BO | CP | F_HEADING },
  [T_H2] = { "h2", SP | BO | CP | F_HEADING },
  [T_H3] = { "h3", SP | BO | CP | F_HEADING },
  [T_H4] = { "h4", SP | BO | CP | F_HEADING },
  [T_H5] = { "h5", SP | BO | CP | F_HEADING },
  [T_H6] = { "h6", SP | BO | CP | F_HEADING },
  [T_HEAD] = { "head", SP | BO | F_HEADISH },
  [T_HEADER] = { "header", SP | CP },
  [T_HGROUP] = { "hgroup", SP | CP },
  [T_HR] = { "hr", SP | BO | CP | F_VOID },
  [T_HTML] = { "html", SP | F_HEADISH | F_SCOPE },
  [T_I] = { "i", BO },
  [T_IFRAME] = { "iframe", SP },
  [T_IMAGE] = { "image", F_VOID },
  [T_IMG] = { "img", SP | BO | F_VOID },
  [T_INPUT] = { "input", SP | F_VOID },
  [T_KEYGEN] = { "keygen", SP | F_VOID },
  [T_LI] = { "li", SP | BO },
  [T_LINK] = { "link", SP | F_VOID | F_HEADISH | F_CR_HEAD },
  [T_LISTING] = { "listing", SP | BO | CP },
  [T_MAIN] = { "main", SP | CP },
  [T_MALIGNMARK] = { "malignmark", 0 },
  [T_MARQUEE] = { "marquee", SP | F_SCOPE },
  [T_MATH] = { "math", 0 },
  [T_MENU] = { "menu", SP | BO | CP },
  [T_META] = { "meta", SP | BO | F_VOID | F_HEADISH | F_CR_HEAD },
  [T_MGLYPH] = { "mglyph", 0 },
  [T_MI] = { "mi", 0 },
  [T_MN] = { "mn", 0 },
  [T_MO] = { "mo", 0 },
  [T_MS] = { "ms", 0 },
  [T_MTEXT] = { "mtext", 0 },
  [T_NAV] = { "nav", SP | CP },
  [T_NOBR] = { "nobr", BO },
  [T_NOEMBED] = { "noembed", SP },
  [T_NOFRAMES] = { "noframes", SP | F_HEADISH },
  [T_NOSCRIPT] = { "noscript", SP | F_HEADISH | F_CR_HEAD },
  [T_OBJECT] = { "object", SP | F_SCOPE | F_CR_HEAD },
  [T_OL] = { "ol", SP | BO | CP },
  [T_OPTGROUP] = { "optgroup", 0 },
  [T_OPTION] = { "option", 0 },
  [T_P] = { "p", SP | BO | CP },
  [T_PARAM] = { "param", SP | F_VOID },
  [T_PLAINTEXT] = { "plaintext", SP | CP },
  [T_PRE] = { "pre", SP | BO | CP },
  [T_RUBY] = { "ruby", BO },
  [T_S] = { "s", BO },
  [T_SCRIPT] = { "script", SP | F_HEADISH | F_CR_HEAD },
  [T_SEARCH] = { "search", SP | CP },
  [T_SECTION] = { "section", SP | CP },
  [T_SELECT] = { "select", SP },
  [T_SMALL] = { "small", BO },
  [T_SOURCE] = { "source", SP | F_VOID },
  [T_SPAN] = { "span", BO },
  [T_STRIKE] = { "strike", BO },
  [T_STRONG] = { "strong", BO },
  [T_STYLE] = { "style", SP | F_HEADISH | F_CR_HEAD },
  [T_SUB] = { "sub", BO },
  [T_SUMMARY] = { "summary", SP | CP },
  [T_SUP] = { "sup", BO },
  [T_SVG] = { "svg", 0 },
  [T_TABLE] = { "table", SP | BO | CP | F_SCOPE | F_TABLE_PART },
  [T_TBODY] = { "tbody", SP | F_TABLE_PART },
  [T_TD] = { "td", SP | F_SCOPE | F_TABLE_PART },
  [T_TEMPLATE] = { "template", SP | F_HEADISH | F_SCOPE },
  [T_TEXTAREA] = { "textarea", SP },
  [T_TFOOT] = { "tfoot", SP | F_TABLE_PART },
  [T_TH] = { "th", SP | F_SCOPE | F_TABLE_PART },
  [T_THEAD] = { "thead", SP | F_TABLE_PART },
  [T_TITLE] = { "title", SP | F_HEADISH | F_CR_HEAD },
  [T_TR] = { "tr", SP | F_TABLE_PART },
  [T_TRACK] = { "track", SP | F_VOID },
  [T_TT] = { "tt", BO },
  [T_U] = { "u", BO },
  [T_UL] = { "ul", SP | BO | CP },
  [T_VAR] = { "var", BO },
  [T_WBR] = { "wbr", SP | F_VOID },
  [T_XMP] = { "xmp", SP | CP },
};
#undef SP
#undef BO
#undef CP

static TagId
tag_lookup (const char *name,
            gsize       len)
{
  guint lo = 1, hi = N_TAGS;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      const char *t = tags[mid].name;
      gsize tlen = strlen (t);
      int cmp = memcmp (name, t, MIN (len, tlen));

      if (cmp == 0)
        cmp = len < tlen ? -1 : len > tlen ? 1 : 0;
      if (cmp == 0)
        return mid;
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return T_UNKNOWN;
}

/* ---- attributes we keep ------------------------------------------------------- */

typedef enum
{
  A_NONE = 0,
  A_NAME, A_PROPERTY, A_CONTENT, A_CHARSET, A_HTTP_EQUIV, A_REL, A_HREF, A_LANG,
  A_ENCODING, A_COLOR, A_FACE, A_SIZE,
} AttrId;

static AttrId
attr_lookup (const char *n,
             gsize       len)
{
#define IS(s) (len == sizeof (s) - 1 && memcmp (n, s, len) == 0)
  switch (len)
    {
    case 3:
      return IS ("rel") ? A_REL : A_NONE;
    case 4:
      return IS ("name") ? A_NAME : IS ("href") ? A_HREF : IS ("lang") ? A_LANG :
             IS ("face") ? A_FACE : IS ("size") ? A_SIZE : A_NONE;
    case 5:
      return IS ("color") ? A_COLOR : A_NONE;
    case 7:
      return IS ("content") ? A_CONTENT : IS ("charset") ? A_CHARSET : A_NONE;
    case 8:
      return IS ("property") ? A_PROPERTY : IS ("encoding") ? A_ENCODING : A_NONE;
    case 10:
      return IS ("http-equiv") ? A_HTTP_EQUIV : A_NONE;
    default:
      return A_NONE;
    }
#undef IS
}

/* Which attributes matter on which element (others are parsed, not decoded). */
static gboolean
attr_wanted (TagId  tag,
             AttrId id,
             gboolean charset_mode)
{
  if (charset_mode)
    return tag == T_META && (id == A_CHARSET || id == A_CONTENT || id == A_HTTP_EQUIV);
  switch ((guint)tag)
    {
    case T_META:
      return id == A_NAME || id == A_PROPERTY || id == A_CONTENT;
    case T_LINK:
      return id == A_REL || id == A_HREF;
    case T_BASE:
      return id == A_HREF;
    case T_HTML:
      return id == A_LANG;
    case T_ANNOTATION_XML:
      return id == A_ENCODING;
    case T_FONT:
      return id == A_COLOR || id == A_FACE || id == A_SIZE;
    default:
      return FALSE;
    }
}

/* ---- decoded text, produced lazily ------------------------------------------ */

typedef enum
{
  TEXT_ZERO_COPY,  /* the raw bytes are the text */
  TEXT_UTF8_LAZY,  /* raw bytes, validated a chunk at a time, until one is invalid */
  TEXT_DECODE,     /* decoded into a buffer a chunk at a time */
} TextMode;

typedef struct
{
  const char     *p;
  gsize           len;
  gboolean        final;

  TextMode        mode;
  const guint8   *raw;
  gsize           raw_len;
  gsize           raw_pos;
  gsize           chunk;
  GString        *buf;
  GleanerDecoder *decoder;
} Text;

static void
text_init (Text                  *t,
           TextMode               mode,
           const guint8          *raw,
           gsize                  raw_len,
           const GleanerEncoding *encoding,
           GString               *buf,
           GleanerDecoder        *decoder)
{
  memset (t, 0, sizeof *t);
  t->mode = mode;
  t->raw = raw;
  t->raw_len = raw_len;
  t->chunk = FIRST_CHUNK;
  t->buf = buf;
  t->decoder = decoder;
  if (mode == TEXT_ZERO_COPY || raw_len == 0)
    {
      t->p = (const char *)raw;
      t->len = mode == TEXT_ZERO_COPY ? raw_len : 0;
      t->final = TRUE;
      return;
    }
  t->p = (const char *)raw;
  if (mode == TEXT_DECODE)
    {
      g_string_truncate (buf, 0);
      gleaner_decoder_reset (decoder, encoding);
      t->p = buf->str;
    }
}

/* Makes more text available; FALSE when there is no more. */
static gboolean
text_more (Text *t)
{
  gsize old_len = t->len;

  while (!t->final && t->len == old_len)
    {
      gsize end = MIN (t->raw_pos + t->chunk, t->raw_len);
      gboolean last = end == t->raw_len;

      t->chunk = MIN (t->chunk * 2, MAX_CHUNK);

      if (t->mode == TEXT_UTF8_LAZY)
        {
          gboolean truncated;
          gsize v = t->raw_pos + _gleaner_utf8_valid_prefix (t->raw + t->raw_pos,
                                                             end - t->raw_pos, NULL,
                                                             &truncated);

          if (v == end || (truncated && !last))
            {
              t->raw_pos = v;
              t->len = v;
              t->final = v == t->raw_len;
              continue;
            }
          /* Invalid bytes ahead: copy what was valid, decode the rest with U+FFFD. */
          g_string_truncate (t->buf, 0);
          g_string_append_len (t->buf, (const char *)t->raw, v);
          gleaner_decoder_reset (t->decoder, &gleaner_encoding_utf8);
          t->mode = TEXT_DECODE;
          t->raw_pos = v;
          t->p = t->buf->str;
          t->len = t->buf->len;
          continue;
        }

      t->raw_pos += gleaner_decoder_decode (t->decoder, t->raw + t->raw_pos, end - t->raw_pos,
                                            last, t->buf);
      t->p = t->buf->str;
      t->len = t->buf->len;
      if (last)
        t->final = TRUE;
    }
  return t->len > old_len;
}

/* ---- the scanner ----------------------------------------------------------------- */

typedef enum
{
  NS_HTML,
  NS_SVG,
  NS_MATHML,
} Namespace;

enum
{
  E_HTML_IP       = 1 << 0,  /* HTML integration point */
  E_MATHML_TEXT   = 1 << 1,  /* MathML text integration point */
  E_ANNOTATION    = 1 << 2,  /* MathML annotation-xml */
};

typedef struct
{
  guint32 hash;   /* of the lowercased tag name */
  guint32 serial; /* tells elements apart over time */
  guint16 tag;
  guint8  ns;
  guint8  flags;
} Element;

#define MAX_TITLE_TABLES 16

typedef struct
{
  AttrId id;
  gsize  offset;
  gsize  len;
} Attr;

typedef struct
{
  GleanerTitleParser *parser;
  Text                t;
  gsize               pos;

  gboolean            charset_mode;
  GleanerFields       want;

  gboolean            stop;
  gboolean            complete;
  gboolean            eof_touched;
  gsize               stop_pos;

  /* the current tag token */
  char                name[NAME_BUF];
  gsize               name_len;
  gboolean            name_long;
  guint32             name_hash;
  TagId               tag;
  gboolean            end_tag;
  gboolean            self_closing;
  Attr                attrs[MAX_ATTRS];
  guint               n_attrs;

  /* open elements, approximately; <html>, <head> and <body> are implied below */
  guint               depth;
  guint               n_templates;
  guint               n_paragraphs;  /* open HTML <p>, so most tags skip close_p() */

  guint32             next_serial;

  /* facts */
  gboolean            head_done;
  gboolean            body_started;  /* approximates frameset-ok = "not ok" */
  gboolean            frameset;
  gboolean            title_found;
  gboolean            title_done;
  /* The open tables the title is inside: a later <title> foster-parented
   * before one of them comes first in tree order. */
  guint32             title_tables[MAX_TITLE_TABLES];
  guint               n_title_tables;
  guint               title_tables_open;
  int                 h1_index;
  guint               h1_templates;
  gboolean            h1_found;
  gboolean            h1_done;
  char               *description;
  char               *og_title;
  char               *og_site_name;
  char               *canonical;
  char               *base_href;
  char               *lang;
  gboolean            lang_found;

  /* charset mode (Chromium's meta scan) */
  gboolean            cr_in_head;
  const GleanerEncoding *meta_encoding;

  /* last: scanner_init() does not clear it */
  Element             stack[MAX_DEPTH];
} Scanner;

static inline gboolean
is_ws (guint8 c)
{
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static inline gboolean
is_alpha (guint8 c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline gboolean
is_alnum (guint8 c)
{
  return is_alpha (c) || (c >= '0' && c <= '9');
}

static gboolean
need_slow (Scanner *s,
           gsize    end)
{
  while (s->t.len < end)
    {
      if (!text_more (&s->t))
        {
          s->eof_touched = TRUE;
          return FALSE;
        }
    }
  return TRUE;
}

/* Whether text[pos + n - 1] exists (decoding more if needed). */
#define NEED(s, n) ((s)->pos + (n) <= (s)->t.len || need_slow ((s), (s)->pos + (n)))
#define AT(s, k) ((guint8)(s)->t.p[(s)->pos + (k)])

static inline guint32
hash_name (const char *n,
           gsize       len)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    h = (h ^ (guint8)n[i]) * 16777619u;
  return h;
}

static inline Element *
top (Scanner *s)
{
  return s->depth > 0 ? &s->stack[s->depth - 1] : NULL;
}

static inline gboolean
in_template (Scanner *s)
{
  return s->n_templates > 0;
}

static gboolean
h1_collecting (Scanner *s)
{
  return s->h1_index >= 0 && !s->h1_done && s->n_templates == s->h1_templates;
}

static void
check_complete (Scanner *s)
{
  GleanerFields w = s->want;

  if (s->charset_mode)
    return;
  if ((w & GLEANER_FIELD_TITLE) && (!s->title_done || s->title_tables_open > 0))
    return;
  if ((w & GLEANER_FIELD_DESCRIPTION) && s->description == NULL && !s->head_done)
    return;
  if ((w & GLEANER_FIELD_OG_TITLE) && s->og_title == NULL && !s->head_done)
    return;
  if ((w & GLEANER_FIELD_OG_SITE_NAME) && s->og_site_name == NULL && !s->head_done)
    return;
  if ((w & GLEANER_FIELD_CANONICAL) && !s->head_done)
    return;
  if ((w & GLEANER_FIELD_LANG) && !s->lang_found && !s->head_done)
    return;
  if ((w & GLEANER_FIELD_H1) && !s->h1_done)
    return;
  s->complete = TRUE;
  s->stop = TRUE;
  s->stop_pos = s->pos;
}

static void
set_head_done (Scanner *s)
{
  if (!s->head_done)
    {
      s->head_done = TRUE;
      check_complete (s);
    }
}

static void
pop_to (Scanner *s,
        guint    index)
{
  while (s->depth > index)
    {
      Element *e = &s->stack[--s->depth];

      if (e->tag == T_TEMPLATE && e->ns == NS_HTML && s->n_templates > 0)
        s->n_templates--;
      if (e->tag == T_P && e->ns == NS_HTML && s->n_paragraphs > 0)
        s->n_paragraphs--;
      if (e->tag == T_TABLE && e->ns == NS_HTML && s->title_tables_open > 0)
        for (guint i = 0; i < s->n_title_tables; i++)
          if (s->title_tables[i] == e->serial)
            {
              s->title_tables_open--;
              check_complete (s);
            }
    }
  if (s->h1_index >= 0 && !s->h1_done && s->depth <= (guint)s->h1_index)
    {
      s->h1_done = TRUE;
      check_complete (s);
    }
}

static void
push (Scanner   *s,
      Namespace  ns,
      guint8     flags)
{
  Element *e;

  if (s->depth >= MAX_DEPTH)
    return;
  e = &s->stack[s->depth++];
  e->hash = s->name_hash;
  e->serial = ++s->next_serial;
  e->tag = s->tag;
  e->ns = ns;
  e->flags = flags;
  if (s->tag == T_TEMPLATE && ns == NS_HTML)
    s->n_templates++;
  if (s->tag == T_P && ns == NS_HTML)
    s->n_paragraphs++;
}

static const char *
attr_value (Scanner *s,
            AttrId   id,
            gsize   *len)
{
  for (guint i = 0; i < s->n_attrs; i++)
    if (s->attrs[i].id == id)
      {
        if (len != NULL)
          *len = s->attrs[i].len;
        return s->parser->attr_values->str + s->attrs[i].offset;
      }
  return NULL;
}

/* ---- character references ---------------------------------------------------- */

static int
entity_find (const char *name,
             gsize       len)
{
  int lo = 0, hi = G_N_ELEMENTS (gleaner_entities);

  while (lo < hi)
    {
      int mid = (lo + hi) / 2;
      const char *e = gleaner_entities[mid].name;
      gsize elen = strlen (e);
      int cmp = memcmp (name, e, MIN (len, elen));

      if (cmp == 0)
        cmp = len < elen ? -1 : len > elen ? 1 : 0;
      if (cmp == 0)
        return mid;
      if (cmp < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return -1;
}

static void
append_code_point (GString  *out,
                   gunichar  c)
{
  char buf[6];

  if (out != NULL)
    g_string_append_len (out, buf, g_unichar_to_utf8 (c, buf));
}

/* The numeric reference replacements of 0x80-0x9F (HTML tokenizer). */
static const guint16 c1_replacements[32] = {
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
  0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
  0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* At '&': decodes one character reference (or takes the '&' as text), appends to
 * @out (which may be NULL) and advances. */
static void
consume_char_ref (Scanner  *s,
                  GString  *out,
                  gboolean  in_attr)
{
  if (!NEED (s, 2))
    goto ampersand;

  if (AT (s, 1) == '#')
    {
      gboolean hex = FALSE;
      gsize k = 2, digits = 0;
      gunichar value = 0;

      if (NEED (s, 3) && (AT (s, 2) == 'x' || AT (s, 2) == 'X'))
        {
          hex = TRUE;
          k = 3;
        }
      for (;; k++)
        {
          guint8 c;
          int d;

          if (!NEED (s, k + 1))
            break;
          c = AT (s, k);
          if (c >= '0' && c <= '9')
            d = c - '0';
          else if (hex && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
          else if (hex && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
          else
            break;
          digits++;
          if (value <= 0x10FFFF)
            value = value * (hex ? 16 : 10) + d;
        }
      if (digits == 0)
        goto ampersand;
      if (NEED (s, k + 1) && AT (s, k) == ';')
        k++;
      s->pos += k;
      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        value = 0xFFFD;
      else if (value >= 0x80 && value <= 0x9F && c1_replacements[value - 0x80] != 0)
        value = c1_replacements[value - 0x80];
      append_code_point (out, value);
      return;
    }

  if (is_alnum (AT (s, 1)))
    {
      gsize run = 0;
      int found = -1;
      gsize match = 0;
      gboolean semicolon = FALSE;
      char name[GLEANER_ENTITY_MAX_NAME + 2];

      while (run <= GLEANER_ENTITY_MAX_NAME && NEED (s, run + 2) && is_alnum (AT (s, run + 1)))
        {
          name[run] = AT (s, run + 1);
          run++;
        }
      if (run <= GLEANER_ENTITY_MAX_NAME && NEED (s, run + 2) && AT (s, run + 1) == ';')
        {
          found = entity_find (name, run);
          if (found >= 0 && (gleaner_entities[found].flags & GLEANER_ENTITY_SEMI))
            {
              match = run;
              semicolon = TRUE;
            }
          else
            found = -1;
        }
      if (found < 0)
        {
          /* Legacy references need no ';': the longest one that prefixes the run. */
          for (gsize l = MIN (run, GLEANER_ENTITY_MAX_LEGACY); l > 0 && found < 0; l--)
            {
              int i = entity_find (name, l);

              if (i >= 0 && (gleaner_entities[i].flags & GLEANER_ENTITY_LEGACY))
                {
                  found = i;
                  match = l;
                }
            }
        }
      if (found < 0)
        goto ampersand;
      if (in_attr && !semicolon && NEED (s, match + 2) &&
          (AT (s, match + 1) == '=' || is_alnum (AT (s, match + 1))))
        {
          /* In attributes "&amp=" and "&ampx" stay as they are. */
          if (out != NULL)
            g_string_append_len (out, s->t.p + s->pos, match + 1);
          s->pos += match + 1;
          return;
        }
      if (out != NULL)
        g_string_append (out, gleaner_entities[found].value);
      s->pos += match + 1 + (semicolon ? 1 : 0);
      return;
    }

ampersand:
  if (out != NULL)
    g_string_append_c (out, '&');
  s->pos++;
}

/* ---- tags ----------------------------------------------------------------- */

/* Reads one attribute value (the quote, if any, is at pos) into attr_values when
 * @keep. Returns FALSE at EOF. */
static gboolean
read_attr_value (Scanner  *s,
                 gboolean  keep)
{
  GString *out = keep ? s->parser->attr_values : NULL;
  guint8 quote = AT (s, 0);

  if (quote == '"' || quote == '\'')
    {
      s->pos++;
      for (;;)
        {
          guint8 c;

          if (!keep)
            {
              const char *q;

              if (!NEED (s, 1))
                return FALSE;
              q = memchr (s->t.p + s->pos, quote, s->t.len - s->pos);
              if (q != NULL)
                {
                  s->pos = q - s->t.p + 1;
                  return TRUE;
                }
              s->pos = s->t.len;
              continue;
            }
          if (!NEED (s, 1))
            return FALSE;
          c = AT (s, 0);
          if (c == quote)
            {
              s->pos++;
              return TRUE;
            }
          if (c == '&')
            consume_char_ref (s, out, TRUE);
          else if (c == '\0')
            {
              g_string_append (out, "\xEF\xBF\xBD");
              s->pos++;
            }
          else
            {
              g_string_append_c (out, (char)c);
              s->pos++;
            }
        }
    }

  for (;;)
    {
      guint8 c;

      if (!NEED (s, 1))
        return FALSE;
      c = AT (s, 0);
      if (is_ws (c) || c == '>')
        return TRUE;
      if (c == '&' && keep)
        {
          consume_char_ref (s, out, TRUE);
          continue;
        }
      if (out != NULL)
        {
          if (c == '\0')
            g_string_append (out, "\xEF\xBF\xBD");
          else
            g_string_append_c (out, (char)c);
        }
      s->pos++;
    }
}

/* At the first character of a tag name (after '<' or '</'). Reads the whole tag;
 * FALSE at EOF (the tag is then dropped, as the tokenizer drops it). */
static gboolean
read_tag (Scanner  *s,
          gboolean  end_tag)
{
  char attr_name[16];
  gsize attr_name_len;
  gboolean attr_name_long;

  s->end_tag = end_tag;
  s->self_closing = FALSE;
  s->name_len = 0;
  s->name_long = FALSE;
  s->n_attrs = 0;
  g_string_truncate (s->parser->attr_values, 0);

  /* tag name state */
  for (;;)
    {
      guint8 c;

      if (!NEED (s, 1))
        return FALSE;
      c = AT (s, 0);
      if (is_ws (c) || c == '/' || c == '>')
        break;
      if (c >= 'A' && c <= 'Z')
        c += 'a' - 'A';
      s->pos++;
      if (c == '\0')
        {
          /* NUL in a tag name is U+FFFD */
          if (s->name_len + 3 <= NAME_BUF)
            {
              memcpy (s->name + s->name_len, "\xEF\xBF\xBD", 3);
              s->name_len += 3;
            }
          else
            s->name_long = TRUE;
          continue;
        }
      if (s->name_len < NAME_BUF)
        s->name[s->name_len++] = (char)c;
      else
        s->name_long = TRUE;
    }
  s->name_hash = hash_name (s->name, s->name_len) ^ (s->name_long ? 0x9e3779b9u : 0);
  s->tag = s->name_long ? T_UNKNOWN : tag_lookup (s->name, s->name_len);

  for (;;)
    {
      guint8 c;
      AttrId id;
      gboolean keep, dup = FALSE;

      /* before attribute name state */
      for (;;)
        {
          if (!NEED (s, 1))
            return FALSE;
          c = AT (s, 0);
          if (is_ws (c))
            {
              s->pos++;
              continue;
            }
          if (c == '/')
            {
              if (!NEED (s, 2))
                return FALSE;
              s->pos++;
              if (AT (s, 0) == '>')
                {
                  s->self_closing = TRUE;
                  s->pos++;
                  return TRUE;
                }
              continue;
            }
          break;
        }
      if (c == '>')
        {
          s->pos++;
          return TRUE;
        }

      /* attribute name state; a leading '=' belongs to the name */
      attr_name_len = 0;
      attr_name_long = FALSE;
      for (gboolean first = TRUE;; first = FALSE)
        {
          if (!NEED (s, 1))
            return FALSE;
          c = AT (s, 0);
          if (is_ws (c) || c == '/' || c == '>' || (c == '=' && !first))
            break;
          if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
          if (attr_name_len < sizeof attr_name)
            attr_name[attr_name_len++] = (char)c;
          else
            attr_name_long = TRUE;
          s->pos++;
        }
      id = attr_name_long ? A_NONE : attr_lookup (attr_name, attr_name_len);
      for (guint i = 0; i < s->n_attrs && !dup; i++)
        dup = s->attrs[i].id == id;
      keep = id != A_NONE && !dup && s->n_attrs < MAX_ATTRS &&
             attr_wanted (s->tag, id, s->charset_mode) && !end_tag;

      /* after attribute name state */
      for (;;)
        {
          if (!NEED (s, 1))
            return FALSE;
          c = AT (s, 0);
          if (!is_ws (c))
            break;
          s->pos++;
        }
      if (c != '=')
        {
          if (keep)
            {
              s->attrs[s->n_attrs].id = id;
              s->attrs[s->n_attrs].offset = s->parser->attr_values->len;
              s->attrs[s->n_attrs].len = 0;
              g_string_append_c (s->parser->attr_values, '\0');
              s->n_attrs++;
            }
          continue;
        }
      s->pos++;

      /* before attribute value state */
      for (;;)
        {
          if (!NEED (s, 1))
            return FALSE;
          c = AT (s, 0);
          if (!is_ws (c))
            break;
          s->pos++;
        }
      {
        gsize offset = s->parser->attr_values->len;

        if (c != '>' && !read_attr_value (s, keep))
          return FALSE;
        if (keep)
          {
            s->attrs[s->n_attrs].id = id;
            s->attrs[s->n_attrs].offset = offset;
            s->attrs[s->n_attrs].len = s->parser->attr_values->len - offset;
            g_string_append_c (s->parser->attr_values, '\0');
            s->n_attrs++;
          }
      }
      /* after attribute value (quoted): anything else starts the next attribute */
    }
}

/* ---- text content ------------------------------------------------------------ */

/* Appends text[from, to) to the h1 text when collecting. */
static inline void
collect (Scanner *s,
         gsize    from,
         gsize    to)
{
  if (to > from && h1_collecting (s))
    g_string_append_len (s->parser->h1, s->t.p + from, to - from);
}

/* Data state, from pos to the next '<'. FALSE at EOF. */
static gboolean
scan_text (Scanner *s)
{
  for (;;)
    {
      /* Text that is not whitespace ends the head (and a later <frameset> is
       * then ignored). */
      gboolean check_head = !s->charset_mode && !in_template (s) && !s->frameset &&
                            (!s->body_started ||
                             (!s->head_done &&
                              (s->want & ~(GLEANER_FIELD_TITLE | GLEANER_FIELD_H1)) != 0));
      gboolean collecting = h1_collecting (s);
      gsize i;

      if (!NEED (s, 1))
        return FALSE;

      if (!check_head && !collecting)
        {
          const char *lt = memchr (s->t.p + s->pos, '<', s->t.len - s->pos);

          if (lt != NULL)
            {
              s->pos = lt - s->t.p;
              return TRUE;
            }
          s->pos = s->t.len;
          continue;
        }

      for (i = s->pos; i < s->t.len; i++)
        {
          guint8 c = (guint8)s->t.p[i];

          if (c == '<' || c == '&' || c == '\0' || (check_head && !is_ws (c)))
            break;
        }
      collect (s, s->pos, i);
      s->pos = i;
      if (i >= s->t.len)
        continue;

      switch (AT (s, 0))
        {
        case '<':
          return TRUE;
        case '&':
          {
            gsize mark = s->parser->h1->len;

            /* Decode into the h1 text, or into scratch to see what it is. */
            if (collecting)
              consume_char_ref (s, s->parser->h1, FALSE);
            else
              {
                g_string_truncate (s->parser->scratch, 0);
                consume_char_ref (s, s->parser->scratch, FALSE);
              }
            if (check_head)
              {
                const char *d = collecting ? s->parser->h1->str + mark : s->parser->scratch->str;

                for (; *d != '\0'; d++)
                  if (!is_ws ((guint8)*d))
                    {
                      s->body_started = TRUE;
                      set_head_done (s);
                      break;
                    }
              }
          }
          break;
        case '\0':
          /* Dropped from body text; in the head it starts the body. */
          s->pos++;
          if (check_head)
            {
              s->body_started = TRUE;
              set_head_done (s);
            }
          break;
        default:
          /* Text that is not whitespace starts the body. */
          s->body_started = TRUE;
          set_head_done (s);
          break;
        }
      if (s->stop)
        return TRUE;
    }
}

/* At '<' of an end tag candidate in raw text: whether it is "</name" followed by
 * whitespace, '/' or '>' (the appropriate end tag). */
static gboolean
is_end_tag_of (Scanner    *s,
               gsize       at,
               const char *name)
{
  gsize n = strlen (name);
  gsize save = s->pos;
  gboolean ok;

  s->pos = at;
  ok = NEED (s, n + 3) && AT (s, 1) == '/' &&
       g_ascii_strncasecmp (s->t.p + at + 2, name, n) == 0 &&
       (is_ws (AT (s, n + 2)) || AT (s, n + 2) == '/' || AT (s, n + 2) == '>');
  s->pos = save;
  return ok;
}

typedef enum
{
  RAW_RCDATA,
  RAW_RAWTEXT,
} RawKind;

/* Content of an RCDATA or RAWTEXT element from pos up to its end tag (left at
 * pos) or EOF. RCDATA references are decoded. Text goes to @out (may be NULL) and
 * to the h1 text. */
static void
scan_raw (Scanner    *s,
          const char *name,
          RawKind     kind,
          GString    *out)
{
  gboolean collecting = h1_collecting (s);
  gboolean decode = kind == RAW_RCDATA && (out != NULL || collecting);

  for (;;)
    {
      gsize i;

      if (!NEED (s, 1))
        return;
      if (!decode)
        {
          const char *lt = memchr (s->t.p + s->pos, '<', s->t.len - s->pos);

          i = lt != NULL ? (gsize)(lt - s->t.p) : s->t.len;
        }
      else
        for (i = s->pos; i < s->t.len; i++)
          {
            guint8 c = (guint8)s->t.p[i];

            if (c == '<' || c == '&' || c == '\0')
              break;
          }
      if (out != NULL)
        g_string_append_len (out, s->t.p + s->pos, i - s->pos);
      if (collecting)
        collect (s, s->pos, i);
      s->pos = i;
      if (i >= s->t.len)
        continue;
      switch (AT (s, 0))
        {
        case '<':
          if (is_end_tag_of (s, s->pos, name))
            return;
          if (out != NULL)
            g_string_append_c (out, '<');
          if (collecting)
            g_string_append_c (s->parser->h1, '<');
          s->pos++;
          break;
        case '&':
          {
            gsize mark = out != NULL ? out->len : 0;

            consume_char_ref (s, out != NULL ? out : s->parser->h1, FALSE);
            if (out != NULL && collecting)
              g_string_append (s->parser->h1, out->str + mark);
          }
          break;
        default:
          /* NUL in RCDATA */
          if (out != NULL)
            g_string_append (out, "\xEF\xBF\xBD");
          if (collecting)
            g_string_append (s->parser->h1, "\xEF\xBF\xBD");
          s->pos++;
          break;
        }
    }
}

/* Script data, with the tokenizer's escaped and double-escaped states, up to the
 * "</script" that ends it (left at pos) or EOF. */
static void
scan_script (Scanner *s)
{
  enum { DATA, ESCAPED, DOUBLE_ESCAPED } state = DATA;
  guint dashes = 0;
  gboolean collecting = h1_collecting (s);

  for (;;)
    {
      guint8 c;

      if (!NEED (s, 1))
        return;
      if (state == DATA)
        {
          const char *lt = memchr (s->t.p + s->pos, '<', s->t.len - s->pos);

          if (lt == NULL)
            {
              if (collecting)
                collect (s, s->pos, s->t.len);
              s->pos = s->t.len;
              continue;
            }
          if (collecting)
            collect (s, s->pos, lt - s->t.p);
          s->pos = lt - s->t.p;
          if (is_end_tag_of (s, s->pos, "script"))
            return;
          if (NEED (s, 4) && AT (s, 1) == '!' && AT (s, 2) == '-' && AT (s, 3) == '-')
            {
              /* "<!--" enters the escaped state with two dashes seen. */
              if (collecting)
                collect (s, s->pos, s->pos + 4);
              s->pos += 4;
              state = ESCAPED;
              dashes = 2;
              continue;
            }
          if (collecting)
            collect (s, s->pos, s->pos + 1);
          s->pos++;
          continue;
        }

      c = AT (s, 0);
      if (c == '-')
        {
          dashes++;
          if (collecting)
            collect (s, s->pos, s->pos + 1);
          s->pos++;
          continue;
        }
      if (c == '>' && dashes >= 2)
        {
          state = DATA;
          dashes = 0;
          if (collecting)
            collect (s, s->pos, s->pos + 1);
          s->pos++;
          continue;
        }
      dashes = 0;
      if (c == '<')
        {
          if (state == ESCAPED && is_end_tag_of (s, s->pos, "script"))
            return;
          /* "<script" (escaped) starts, "</script" (double escaped) ends, the
           * double-escaped state; the delimiter that follows is plain text. */
          {
            gsize k = state == ESCAPED ? 1 : 2;

            if (state == DOUBLE_ESCAPED && !(NEED (s, 2) && AT (s, 1) == '/'))
              k = 0;
            if (k > 0 && NEED (s, k + 7) &&
                g_ascii_strncasecmp (s->t.p + s->pos + k, "script", 6) == 0 &&
                (is_ws (AT (s, k + 6)) || AT (s, k + 6) == '/' || AT (s, k + 6) == '>'))
              {
                if (collecting)
                  collect (s, s->pos, s->pos + k + 7);
                s->pos += k + 7;
                state = state == ESCAPED ? DOUBLE_ESCAPED : ESCAPED;
                continue;
              }
          }
        }
      if (collecting)
        collect (s, s->pos, s->pos + 1);
      s->pos++;
    }
}

/* ---- tree construction (as much as the facts need) ------------------------------- */

static gboolean
html_rules_for_start (Scanner *s)
{
  Element *t = top (s);

  if (t == NULL || t->ns == NS_HTML)
    return TRUE;
  if ((t->flags & E_MATHML_TEXT) && s->tag != T_MGLYPH && s->tag != T_MALIGNMARK)
    return TRUE;
  if ((t->flags & E_ANNOTATION) && s->tag == T_SVG)
    return TRUE;
  return (t->flags & E_HTML_IP) != 0;
}

/* Pops foreign elements until the current node is HTML or an integration point. */
static void
leave_foreign (Scanner *s)
{
  guint i = s->depth;

  while (i > 0 && s->stack[i - 1].ns != NS_HTML &&
         !(s->stack[i - 1].flags & (E_HTML_IP | E_MATHML_TEXT)))
    i--;
  pop_to (s, i);
}

typedef enum
{
  SCOPE_DEFAULT,
  SCOPE_BUTTON,
  SCOPE_LIST_ITEM,
  SCOPE_TABLE,
} Scope;

static gboolean
is_scope_boundary (const Element *e,
                   Scope          scope)
{
  if (e->ns != NS_HTML)
    return (e->flags & (E_HTML_IP | E_MATHML_TEXT | E_ANNOTATION)) != 0;
  if (scope == SCOPE_TABLE)
    return e->tag == T_TABLE || e->tag == T_TEMPLATE || e->tag == T_HTML;
  if (tags[e->tag].flags & F_SCOPE)
    return TRUE;
  if (scope == SCOPE_BUTTON && e->tag == T_BUTTON)
    return TRUE;
  if (scope == SCOPE_LIST_ITEM && (e->tag == T_OL || e->tag == T_UL))
    return TRUE;
  return FALSE;
}

/* Index of the HTML element in scope matching @hash (or a heading when
 * @any_heading), or -1. */
static int
find_in_scope (Scanner  *s,
               guint32   hash,
               gboolean  any_heading,
               Scope     scope)
{
  for (int i = (int)s->depth - 1; i >= 0; i--)
    {
      const Element *e = &s->stack[i];

      if (e->ns == NS_HTML &&
          (any_heading ? (tags[e->tag].flags & F_HEADING) != 0 : e->hash == hash))
        return i;
      if (is_scope_boundary (e, scope))
        return -1;
    }
  return -1;
}

static void
close_p (Scanner *s)
{
  int i;

  if (s->n_paragraphs == 0)
    return;
  i = find_in_scope (s, hash_name ("p", 1), FALSE, SCOPE_BUTTON);

  if (i >= 0)
    pop_to (s, i);
}

/* End tag processed by the "in body" rules (approximately). */
static void
html_end_tag (Scanner *s)
{
  guint flags = tags[s->tag].flags;
  int i;

  switch ((guint)s->tag)
    {
    case T_TEMPLATE:
      for (i = (int)s->depth - 1; i >= 0; i--)
        if (s->stack[i].tag == T_TEMPLATE && s->stack[i].ns == NS_HTML)
          {
            pop_to (s, i);
            break;
          }
      return;
    case T_BODY:
    case T_HTML:
    case T_BR:
      if (!in_template (s))
        set_head_done (s);
      return;
    case T_HEAD:
      return;
    case T_P:
      close_p (s);
      return;
    case T_LI:
      i = find_in_scope (s, s->name_hash, FALSE, SCOPE_LIST_ITEM);
      if (i >= 0)
        pop_to (s, i);
      return;
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
      i = find_in_scope (s, 0, TRUE, SCOPE_DEFAULT);
      if (i >= 0)
        pop_to (s, i);
      return;
    default:
      break;
    }

  if (flags & F_TABLE_PART)
    {
      i = find_in_scope (s, s->name_hash, FALSE, SCOPE_TABLE);
      if (i >= 0)
        pop_to (s, i);
      return;
    }
  if (flags & F_SPECIAL)
    {
      i = find_in_scope (s, s->name_hash, FALSE, SCOPE_DEFAULT);
      if (i >= 0)
        pop_to (s, i);
      return;
    }
  /* Any other end tag: the nearest element of that name, unless a special
   * element comes first. */
  for (i = (int)s->depth - 1; i >= 0; i--)
    {
      const Element *e = &s->stack[i];

      if (e->ns == NS_HTML && e->hash == s->name_hash)
        {
          pop_to (s, i);
          return;
        }
      if (e->ns != NS_HTML ? (e->flags & (E_HTML_IP | E_MATHML_TEXT | E_ANNOTATION)) != 0
                           : (tags[e->tag].flags & F_SPECIAL) != 0)
        return;
    }
}

static void
handle_end_tag (Scanner *s)
{
  Element *t = top (s);

  if (s->charset_mode)
    {
      if (!(tags[s->tag].flags & F_CR_HEAD))
        s->cr_in_head = FALSE;
      return;
    }

  if (t != NULL && t->ns != NS_HTML)
    {
      int i;

      if (s->tag == T_BR || s->tag == T_P)
        {
          leave_foreign (s);
          html_end_tag (s);
          return;
        }
      /* Foreign content: the nearest foreign element of that name, unless an HTML
       * element comes first (then the HTML rules apply). */
      for (i = (int)s->depth - 1; i >= 0; i--)
        {
          if (s->stack[i].hash == s->name_hash)
            {
              pop_to (s, i);
              return;
            }
          if (i > 0 && s->stack[i - 1].ns == NS_HTML)
            break;
        }
      html_end_tag (s);
      return;
    }
  html_end_tag (s);
}

/* Strips and collapses whitespace as Chromium's document.title does: every
 * character up to U+0020 except U+000B, and U+007F, counts as a space. The
 * result is valid UTF-8. */
static char *
collapse (const char *s,
          gsize       len)
{
  GString *out = g_string_sized_new (len);
  gboolean pending = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = (guint8)s[i];

      if ((c <= 0x20 && c != 0x0B) || c == 0x7F)
        {
          if (out->len > 0)
            pending = TRUE;
          continue;
        }
      if (pending)
        {
          g_string_append_c (out, ' ');
          pending = FALSE;
        }
      g_string_append_c (out, (char)c);
    }
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, out->len);

      g_string_free (out, TRUE);
      return valid;
    }

  /* The text may be kept for the life of a row: no spare capacity. */
  {
    char *text = g_strndup (out->str, out->len);

    g_string_free (out, TRUE);
    return text;
  }
}

static gboolean
ascii_ieq (const char *a,
           gsize       alen,
           const char *b)
{
  /* @a trimmed of ASCII whitespace, compared case-insensitively */
  gsize blen = strlen (b);

  while (alen > 0 && is_ws ((guint8)*a))
    {
      a++;
      alen--;
    }
  while (alen > 0 && is_ws ((guint8)a[alen - 1]))
    alen--;
  return alen == blen && g_ascii_strncasecmp (a, b, blen) == 0;
}

static gboolean
has_token (const char *list,
           gsize       len,
           const char *token)
{
  gsize i = 0, n = strlen (token);

  while (i < len)
    {
      gsize start;

      while (i < len && is_ws ((guint8)list[i]))
        i++;
      start = i;
      while (i < len && !is_ws ((guint8)list[i]))
        i++;
      if (i - start == n && g_ascii_strncasecmp (list + start, token, n) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
head_facts (Scanner *s)
{
  const char *v, *content;
  gsize vlen = 0, clen = 0;

  switch ((guint)s->tag)
    {
    case T_META:
      content = attr_value (s, A_CONTENT, &clen);
      if (content == NULL)
        return;
      v = attr_value (s, A_NAME, &vlen);
      if (v != NULL && s->description == NULL && (s->want & GLEANER_FIELD_DESCRIPTION) &&
          ascii_ieq (v, vlen, "description"))
        s->description = collapse (content, clen);
      for (guint pass = 0; pass < 2; pass++)
        {
          v = attr_value (s, pass == 0 ? A_PROPERTY : A_NAME, &vlen);
          if (v == NULL)
            continue;
          if (s->og_title == NULL && (s->want & GLEANER_FIELD_OG_TITLE) &&
              ascii_ieq (v, vlen, "og:title"))
            s->og_title = collapse (content, clen);
          if (s->og_site_name == NULL && (s->want & GLEANER_FIELD_OG_SITE_NAME) &&
              ascii_ieq (v, vlen, "og:site_name"))
            s->og_site_name = collapse (content, clen);
        }
      break;
    case T_LINK:
      v = attr_value (s, A_REL, &vlen);
      content = attr_value (s, A_HREF, &clen);
      if (v != NULL && content != NULL && s->canonical == NULL &&
          (s->want & GLEANER_FIELD_CANONICAL) && has_token (v, vlen, "canonical"))
        s->canonical = g_strndup (content, clen);
      break;
    case T_BASE:
      content = attr_value (s, A_HREF, &clen);
      if (content != NULL && s->base_href == NULL)
        s->base_href = g_strndup (content, clen);
      break;
    case T_HTML:
      content = attr_value (s, A_LANG, &clen);
      if (content != NULL && !s->lang_found)
        {
          s->lang_found = TRUE;
          s->lang = collapse (content, clen);
        }
      break;
    default:
      break;
    }
  check_complete (s);
}

/* The prescan's meta rules: charset= wins over content=, which needs
 * http-equiv="content-type" (attribute values as the tokenizer decodes them). */
static const GleanerEncoding *
meta_charset (Scanner *s)
{
  gboolean got_pragma = FALSE, pragma = FALSE, have_charset = FALSE;
  const GleanerEncoding *e = NULL;

  for (guint i = 0; i < s->n_attrs; i++)
    {
      const char *v = s->parser->attr_values->str + s->attrs[i].offset;
      gsize len = s->attrs[i].len;

      if (s->attrs[i].id == A_HTTP_EQUIV)
        {
          if (ascii_ieq (v, len, "content-type"))
            got_pragma = TRUE;
        }
      else if (s->attrs[i].id == A_CHARSET)
        {
          e = gleaner_encoding_for_label (v, len);
          have_charset = TRUE;
          pragma = FALSE;
        }
      else if (s->attrs[i].id == A_CONTENT && !have_charset)
        {
          e = gleaner_encoding_from_meta_content (v, len);
          pragma = e != NULL;
        }
    }
  if (e == NULL || (pragma && !got_pragma))
    return NULL;
  if (e == &gleaner_encoding_utf16le || e == &gleaner_encoding_utf16be)
    return &gleaner_encoding_utf8;
  if (e == &gleaner_encoding_x_user_defined)
    return &gleaner_encoding_windows_1252;
  return e;
}

static void
rest_is_text (Scanner *s)
{
  /* <plaintext>: everything after it is text. */
  while (NEED (s, 1))
    {
      collect (s, s->pos, s->t.len);
      s->pos = s->t.len;
    }
}

/* Whether a <title> start tag (HTML rules, not in a template) makes the first
 * title element in tree order; records the tables the new title is inside. In a
 * table (not in a cell or caption) it is foster-parented: inserted before the
 * innermost table, so ahead of a title inside that table. */
static gboolean
title_comes_first (Scanner *s)
{
  const Element *t = top (s);
  gboolean foster = t != NULL && t->ns == NS_HTML &&
                    (t->tag == T_TABLE || t->tag == T_TBODY || t->tag == T_THEAD ||
                     t->tag == T_TFOOT || t->tag == T_TR || t->tag == T_COLGROUP);
  int innermost = -1;

  for (int i = (int)s->depth - 1; i >= 0 && innermost < 0; i--)
    if (s->stack[i].tag == T_TABLE && s->stack[i].ns == NS_HTML)
      innermost = i;
  if (s->title_found)
    {
      gboolean inside = FALSE;

      if (!foster || innermost < 0)
        return FALSE;
      for (guint i = 0; i < s->n_title_tables && !inside; i++)
        inside = s->title_tables[i] == s->stack[innermost].serial;
      if (!inside)
        return FALSE;
    }

  s->n_title_tables = 0;
  for (int i = 0; i < (foster ? innermost : (int)s->depth); i++)
    if (s->stack[i].tag == T_TABLE && s->stack[i].ns == NS_HTML &&
        s->n_title_tables < MAX_TITLE_TABLES)
      s->title_tables[s->n_title_tables++] = s->stack[i].serial;
  s->title_tables_open = s->n_title_tables;
  return TRUE;
}

static void
start_tag_raw_content (Scanner *s)
{
  if (s->stop)
    return;
  switch ((guint)s->tag)
    {
    case T_TITLE:
      if (!s->charset_mode && !in_template (s) && title_comes_first (s))
        {
          s->title_found = TRUE;
          s->title_done = FALSE;
          g_string_truncate (s->parser->title, 0);
          scan_raw (s, "title", RAW_RCDATA, s->parser->title);
          if (NEED (s, 8))
            {
              /* At "</title" and its delimiter: the content is final. The end tag
               * itself is read by the caller unless the scan stops here. */
              gsize at = s->pos;

              s->title_done = TRUE;
              s->pos = at + 8;
              check_complete (s);
              s->pos = at;
            }
        }
      else
        scan_raw (s, "title", RAW_RCDATA, NULL);
      break;
    case T_TEXTAREA:
      scan_raw (s, "textarea", RAW_RCDATA, NULL);
      break;
    case T_SCRIPT:
      scan_script (s);
      break;
    case T_STYLE:
    case T_XMP:
    case T_IFRAME:
    case T_NOEMBED:
    case T_NOFRAMES:
      scan_raw (s, tags[s->tag].name, RAW_RAWTEXT, NULL);
      break;
    case T_PLAINTEXT:
      rest_is_text (s);
      /* No markup can follow: the meta scan is over. */
      if (s->charset_mode)
        s->stop = TRUE;
      break;
    default:
      break;
    }
}

static void
handle_start_tag (Scanner *s)
{
  TagId tag = s->tag;
  guint flags = tags[tag].flags;

  if (s->charset_mode)
    {
      if (tag == T_META)
        {
          const GleanerEncoding *e = meta_charset (s);

          if (e != NULL)
            {
              s->meta_encoding = e;
              s->stop = TRUE;
              return;
            }
        }
      if (!(flags & F_CR_HEAD) && tag != T_HTML && tag != T_HEAD)
        s->cr_in_head = FALSE;
      start_tag_raw_content (s);
      return;
    }

  if (!html_rules_for_start (s))
    {
      gboolean breakout = (flags & F_BREAKOUT) != 0 ||
        (tag == T_FONT && (attr_value (s, A_COLOR, NULL) || attr_value (s, A_FACE, NULL) ||
                           attr_value (s, A_SIZE, NULL)));

      if (!breakout)
        {
          Element *t = top (s);
          guint8 eflags = 0;

          if (t->ns == NS_SVG && (tag == T_FOREIGNOBJECT || tag == T_DESC || tag == T_TITLE))
            eflags = E_HTML_IP;
          else if (t->ns == NS_MATHML &&
                   (tag == T_MI || tag == T_MO || tag == T_MN || tag == T_MS || tag == T_MTEXT))
            eflags = E_MATHML_TEXT;
          else if (t->ns == NS_MATHML && tag == T_ANNOTATION_XML)
            {
              const char *enc;
              gsize len;

              eflags = E_ANNOTATION;
              enc = attr_value (s, A_ENCODING, &len);
              if (enc != NULL && (ascii_ieq (enc, len, "text/html") ||
                                  ascii_ieq (enc, len, "application/xhtml+xml")))
                eflags |= E_HTML_IP;
            }
          if (!s->self_closing)
            push (s, t->ns, eflags);
          return;
        }
      leave_foreign (s);
    }

  if (s->frameset)
    {
      /* "in frameset": everything but <noframes> is ignored. */
      if (tag == T_NOFRAMES)
        start_tag_raw_content (s);
      return;
    }
  if (tag == T_FRAMESET && !s->body_started && !in_template (s))
    s->frameset = TRUE;
  if (!(flags & F_HEADISH) && tag != T_BODY && tag != T_FRAMESET)
    s->body_started = TRUE;

  if (!(flags & F_HEADISH) && !in_template (s))
    set_head_done (s);
  if (!in_template (s) && !s->head_done)
    head_facts (s);
  if (s->stop)
    return;

  switch ((guint)tag)
    {
    case T_HTML:
    case T_HEAD:
    case T_BODY:
    case T_FRAMESET:
      return;
    case T_SVG:
    case T_MATH:
      if (!s->self_closing)
        push (s, tag == T_SVG ? NS_SVG : NS_MATHML, 0);
      return;
    case T_TITLE:
    case T_TEXTAREA:
    case T_SCRIPT:
    case T_STYLE:
    case T_IFRAME:
    case T_NOEMBED:
    case T_NOFRAMES:
      start_tag_raw_content (s);
      return;
    case T_XMP:
    case T_PLAINTEXT:
      close_p (s);
      start_tag_raw_content (s);
      return;
    case T_H1:
    case T_H2:
    case T_H3:
    case T_H4:
    case T_H5:
    case T_H6:
      {
        Element *t;

        close_p (s);
        t = top (s);
        if (t != NULL && t->ns == NS_HTML && (tags[t->tag].flags & F_HEADING))
          pop_to (s, s->depth - 1);
        push (s, NS_HTML, 0);
        if (tag == T_H1 && !s->h1_found && !in_template (s) && (s->want & GLEANER_FIELD_H1) &&
            s->depth > 0 && s->stack[s->depth - 1].tag == T_H1)
          {
            s->h1_found = TRUE;
            s->h1_index = s->depth - 1;
            s->h1_templates = s->n_templates;
            g_string_truncate (s->parser->h1, 0);
          }
        return;
      }
    case T_LI:
    case T_DD:
    case T_DT:
      for (int i = (int)s->depth - 1; i >= 0; i--)
        {
          const Element *e = &s->stack[i];

          if (e->ns == NS_HTML &&
              (tag == T_LI ? e->tag == T_LI : (e->tag == T_DD || e->tag == T_DT)))
            {
              pop_to (s, i);
              break;
            }
          if (e->ns != NS_HTML || ((tags[e->tag].flags & F_SPECIAL) &&
                                   e->tag != T_ADDRESS && e->tag != T_DIV && e->tag != T_P))
            break;
        }
      close_p (s);
      push (s, NS_HTML, 0);
      return;
    case T_TD:
    case T_TH:
    case T_TR:
    case T_TBODY:
    case T_THEAD:
    case T_TFOOT:
      {
        int i = -1;

        for (int j = (int)s->depth - 1; j >= 0 && i < 0; j--)
          {
            const Element *e = &s->stack[j];

            if (e->ns != NS_HTML || e->tag == T_TABLE || e->tag == T_TEMPLATE)
              break;
            if ((tag == T_TD || tag == T_TH) && (e->tag == T_TD || e->tag == T_TH))
              i = j;
            else if (tag == T_TR && (e->tag == T_TR || e->tag == T_TD || e->tag == T_TH))
              i = j;
            else if ((tag == T_TBODY || tag == T_THEAD || tag == T_TFOOT) &&
                     (e->tag == T_TBODY || e->tag == T_THEAD || e->tag == T_TFOOT ||
                      e->tag == T_TR || e->tag == T_TD || e->tag == T_TH))
              i = j;
          }
        if (i >= 0)
          pop_to (s, i);
        push (s, NS_HTML, 0);
        return;
      }
    case T_OPTION:
    case T_OPTGROUP:
      {
        Element *t = top (s);

        if (t != NULL && t->ns == NS_HTML && t->tag == T_OPTION)
          pop_to (s, s->depth - 1);
        t = top (s);
        if (tag == T_OPTGROUP && t != NULL && t->ns == NS_HTML && t->tag == T_OPTGROUP)
          pop_to (s, s->depth - 1);
        push (s, NS_HTML, 0);
        return;
      }
    case T_BUTTON:
      {
        int i = find_in_scope (s, s->name_hash, FALSE, SCOPE_DEFAULT);

        if (i >= 0)
          pop_to (s, i);
        push (s, NS_HTML, 0);
        return;
      }
    case T_IMAGE:
      return;
    default:
      break;
    }

  if (flags & F_CLOSES_P)
    close_p (s);
  if (!(flags & F_VOID))
    push (s, NS_HTML, 0);
}

/* Skips to just after the next '>' (doctype, bogus comment); FALSE at EOF. */
static gboolean
skip_past_gt (Scanner *s)
{
  for (;;)
    {
      const char *gt;

      if (!NEED (s, 1))
        return FALSE;
      gt = memchr (s->t.p + s->pos, '>', s->t.len - s->pos);
      if (gt != NULL)
        {
          s->pos = gt - s->t.p + 1;
          return TRUE;
        }
      s->pos = s->t.len;
    }
}

/* At "<!--": skips the comment (to "-->", "--!>", or the abrupt "<!-->" and
 * "<!--->"), or to EOF. */
static void
skip_comment (Scanner *s)
{
  gsize start;

  s->pos += 4;
  if (NEED (s, 1) && AT (s, 0) == '>')
    {
      s->pos++;
      return;
    }
  if (NEED (s, 2) && AT (s, 0) == '-' && AT (s, 1) == '>')
    {
      s->pos += 2;
      return;
    }
  start = s->pos;
  for (;;)
    {
      const char *gt;
      gsize q;

      if (!NEED (s, 1))
        return;
      gt = memchr (s->t.p + s->pos, '>', s->t.len - s->pos);
      if (gt == NULL)
        {
          s->pos = s->t.len;
          continue;
        }
      q = gt - s->t.p;
      s->pos = q + 1;
      if (q >= start + 2 && s->t.p[q - 1] == '-' && s->t.p[q - 2] == '-')
        return;
      if (q >= start + 3 && s->t.p[q - 1] == '!' && s->t.p[q - 2] == '-' && s->t.p[q - 3] == '-')
        return;
    }
}

/* At "<![CDATA[" in foreign content: text up to "]]>". */
static void
scan_cdata (Scanner *s)
{
  s->pos += 9;
  for (;;)
    {
      const char *gt;
      gsize q;

      if (!NEED (s, 1))
        return;
      gt = memchr (s->t.p + s->pos, '>', s->t.len - s->pos);
      if (gt == NULL)
        {
          collect (s, s->pos, s->t.len);
          s->pos = s->t.len;
          continue;
        }
      q = gt - s->t.p;
      if (q >= s->pos + 2 && s->t.p[q - 1] == ']' && s->t.p[q - 2] == ']')
        {
          collect (s, s->pos, q - 2);
          s->pos = q + 1;
          return;
        }
      collect (s, s->pos, q + 1);
      s->pos = q + 1;
    }
}

/* A '<' that is text: like any text, it starts the body. */
static void
literal_lt (Scanner *s)
{
  if (!s->charset_mode && !in_template (s) && !s->frameset)
    {
      s->body_started = TRUE;
      set_head_done (s);
    }
}

/* At '<' in the data state. */
static void
scan_markup (Scanner *s)
{
  guint8 c;

  if (!NEED (s, 2))
    {
      /* A lone '<' at the end is text. */
      collect (s, s->pos, s->pos + 1);
      s->pos++;
      literal_lt (s);
      return;
    }
  c = AT (s, 1);

  if (c == '!')
    {
      if (NEED (s, 4) && AT (s, 2) == '-' && AT (s, 3) == '-')
        {
          skip_comment (s);
          return;
        }
      if (NEED (s, 9) && g_ascii_strncasecmp (s->t.p + s->pos + 2, "doctype", 7) == 0)
        {
          skip_past_gt (s);
          return;
        }
      if (!s->charset_mode && top (s) != NULL && top (s)->ns != NS_HTML && NEED (s, 9) &&
          memcmp (s->t.p + s->pos + 2, "[CDATA[", 7) == 0)
        {
          scan_cdata (s);
          return;
        }
      skip_past_gt (s);
      return;
    }
  if (c == '/')
    {
      if (!NEED (s, 3))
        {
          /* "</" at EOF is text */
          collect (s, s->pos, s->pos + 2);
          s->pos += 2;
          return;
        }
      if (is_alpha (AT (s, 2)))
        {
          s->pos += 2;
          if (read_tag (s, TRUE))
            handle_end_tag (s);
          return;
        }
      if (AT (s, 2) == '>')
        {
          s->pos += 3;
          return;
        }
      skip_past_gt (s);
      return;
    }
  if (is_alpha (c))
    {
      s->pos++;
      if (read_tag (s, FALSE))
        handle_start_tag (s);
      return;
    }
  if (c == '?')
    {
      skip_past_gt (s);
      return;
    }
  /* '<' followed by anything else is text */
  collect (s, s->pos, s->pos + 1);
  s->pos++;
  literal_lt (s);
}

static void
scan (Scanner *s)
{
  check_complete (s);
  while (!s->stop)
    {
      if (!scan_text (s) || s->stop)
        break;
      if (s->charset_mode && !s->cr_in_head && s->pos >= 1024)
        {
          s->stop = TRUE;
          break;
        }
      scan_markup (s);
      if (s->charset_mode && !s->stop && !s->cr_in_head && s->pos >= 1024)
        s->stop = TRUE;
    }
}

static void
scanner_init (Scanner            *s,
              GleanerTitleParser *parser,
              GleanerFields       want,
              gboolean            charset_mode)
{
  memset (s, 0, offsetof (Scanner, stack));
  s->parser = parser;
  s->want = want;
  s->charset_mode = charset_mode;
  s->h1_index = -1;
  s->cr_in_head = TRUE;
}

static void
scanner_clear (Scanner *s)
{
  g_clear_pointer (&s->description, g_free);
  g_clear_pointer (&s->og_title, g_free);
  g_clear_pointer (&s->og_site_name, g_free);
  g_clear_pointer (&s->canonical, g_free);
  g_clear_pointer (&s->base_href, g_free);
  g_clear_pointer (&s->lang, g_free);
}

/* ---- encoding choice (HTML) ------------------------------------------------------ */

typedef struct
{
  const GleanerEncoding *encoding;
  GleanerEncodingSource  source;
  gsize                  bom_len;
  gboolean               stable;   /* the same whatever bytes follow */
  gboolean               ascii_candidates;  /* every encoding more bytes could lead to
                                             * reads plain ASCII as ASCII */
  gboolean               zero_copy;
} EncodingChoice;

/* "get an XML encoding" at byte 0 (Chromium honours it in HTML when no meta says
 * otherwise). Sets @conclusive when more bytes could not change the answer. */
static const GleanerEncoding *
xml_declaration_encoding (const guint8 *d,
                          gsize         len,
                          gboolean     *conclusive)
{
  const guint8 *gt;
  gsize i, end, q;

  *conclusive = TRUE;
  if (len < 5)
    {
      *conclusive = memcmp (d, "<?xml", len) != 0;
      return NULL;
    }
  if (memcmp (d, "<?xml", 5) != 0)
    return NULL;
  gt = memchr (d, '>', len);
  if (gt == NULL)
    {
      *conclusive = FALSE;
      return NULL;
    }
  end = gt - d;
  for (i = 5; i + 8 <= end; i++)
    if (memcmp (d + i, "encoding", 8) == 0)
      break;
  if (i + 8 > end)
    return NULL;
  i += 8;
  while (i < end && d[i] <= 0x20)
    i++;
  if (i >= end || d[i] != '=')
    return NULL;
  i++;
  while (i < end && d[i] <= 0x20)
    i++;
  if (i >= end || (d[i] != '"' && d[i] != '\''))
    return NULL;
  for (q = i + 1; q < end && d[q] != d[i]; q++)
    ;
  if (q >= end)
    return NULL;
  {
    const GleanerEncoding *e = gleaner_encoding_for_label ((const char *)d + i + 1, q - i - 1);

    if (e == &gleaner_encoding_utf16le || e == &gleaner_encoding_utf16be)
      return &gleaner_encoding_utf8;
    if (e == &gleaner_encoding_x_user_defined)
      return &gleaner_encoding_windows_1252;
    return e;
  }
}

/* The <meta> scan over the raw bytes. Sets @conclusive unless it ran out of
 * bytes (then more bytes could still declare something). */
static const GleanerEncoding *
meta_scan (GleanerTitleParser *self,
           const guint8       *d,
           gsize               len,
           gboolean           *conclusive)
{
  Scanner *s = g_new (Scanner, 1);
  const GleanerEncoding *e;

  scanner_init (s, self, GLEANER_FIELD_NONE, TRUE);
  text_init (&s->t, TEXT_ZERO_COPY, d, len, NULL, NULL, NULL);
  scan (s);
  e = s->meta_encoding;
  *conclusive = s->stop;
  scanner_clear (s);
  g_free (s);
  return e;
}

static const GleanerEncoding *
detect (GleanerTitleParser *self,
        const guint8       *d,
        gsize               len)
{
  const GleanerEncoding *e;

  if (self->detector == NULL)
    self->detector = uchardet_new ();
  else
    uchardet_reset (self->detector);
  if (uchardet_handle_data (self->detector, (const char *)d, MIN (len, DETECT_BYTES)) != 0)
    return NULL;
  uchardet_data_end (self->detector);
  e = gleaner_encoding_for_detected_name (uchardet_get_charset (self->detector));
  return e;
}

static void
choose_html_encoding (GleanerTitleParser *self,
                      const guint8       *d,
                      gsize               len,
                      const char         *content_type,
                      EncodingChoice     *c)
{
  const GleanerEncoding *declared;
  GleanerEncodingSource declared_source;
  gboolean conclusive = TRUE;
  gboolean truncated, non_ascii, valid;
  gsize v;

  memset (c, 0, sizeof *c);
  c->encoding = gleaner_encoding_sniff_bom (d, len, &c->bom_len);
  if (c->encoding != NULL)
    {
      c->source = GLEANER_ENCODING_SOURCE_BOM;
      c->stable = TRUE;
      c->zero_copy = c->encoding == &gleaner_encoding_utf8 &&
                     gleaner_utf8_validate (d + 3, len - 3, FALSE, NULL);
      return;
    }

  declared = gleaner_encoding_from_content_type (content_type);
  declared_source = GLEANER_ENCODING_SOURCE_HEADER;
  if (declared == NULL)
    {
      gboolean xml_conclusive;

      declared_source = GLEANER_ENCODING_SOURCE_META;
      declared = meta_scan (self, d, len, &conclusive);
      if (declared == NULL)
        {
          declared = xml_declaration_encoding (d, len, &xml_conclusive);
          conclusive = conclusive && xml_conclusive;
        }
    }

  /* With more bytes the choice can only move between the declared encoding,
   * UTF-8 (policy) and a guess (ASCII-compatible or ISO-2022-JP, see
   * gleaner_encoding_for_detected_name()). ISO-2022-JP reads ASCII without
   * escapes as ASCII. */
  c->ascii_candidates = declared == NULL || declared->ascii_compatible ||
                        declared == gleaner_encoding_for_name ("ISO-2022-JP");

  if (declared == &gleaner_encoding_utf8)
    {
      c->encoding = declared;
      c->source = declared_source;
      c->stable = conclusive && len >= 3;
      return;
    }

  v = _gleaner_utf8_valid_prefix (d, len, &non_ascii, &truncated);
  valid = v == len;

  if (valid && non_ascii)
    {
      c->encoding = &gleaner_encoding_utf8;
      c->source = GLEANER_ENCODING_SOURCE_UTF8;
      c->zero_copy = TRUE;
      return;
    }
  if (declared != NULL)
    {
      c->encoding = declared;
      c->source = declared_source;
      /* An invalid byte (not merely a cut sequence) rules out the UTF-8 policy. */
      c->stable = conclusive && !valid && !truncated;
    }
  else if (valid && memchr (d, 0x1B, len) == NULL)
    {
      c->encoding = &gleaner_encoding_windows_1252;
      c->source = GLEANER_ENCODING_SOURCE_DEFAULT;
    }
  else
    {
      /* Not UTF-8, or 7-bit with escapes (ISO-2022-JP): a browser would guess. */
      c->encoding = detect (self, d, len);
      c->source = GLEANER_ENCODING_SOURCE_DETECTED;
      if (c->encoding == NULL)
        {
          c->encoding = &gleaner_encoding_windows_1252;
          c->source = GLEANER_ENCODING_SOURCE_DEFAULT;
        }
    }
  /* ASCII is itself in every ASCII-compatible encoding. */
  c->zero_copy = valid && !non_ascii && c->encoding->ascii_compatible;
}

/* ---- sniffing and classification --------------------------------------------------- */

/* MIME Sniffing "rules for identifying an unknown MIME type" (scriptable), as
 * far as HTML and XML go. @conclusive is cleared when more bytes could change it. */
static GleanerContentClass
sniff (const guint8 *d,
       gsize         len,
       gboolean     *conclusive)
{
  static const char * const patterns[] = {
    "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT",
    "<TABLE", "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--",
  };
  gsize n = MIN (len, SNIFF_BYTES);
  gsize i = 0;

  *conclusive = TRUE;
  while (i < n && is_ws (d[i]))
    i++;
  for (guint k = 0; k < G_N_ELEMENTS (patterns); k++)
    {
      gsize pl = strlen (patterns[k]);

      if (i + pl < n)
        {
          if (g_ascii_strncasecmp ((const char *)d + i, patterns[k], pl) == 0 &&
              (d[i + pl] == ' ' || d[i + pl] == '>'))
            return GLEANER_CONTENT_HTML;
        }
      else if (n < SNIFF_BYTES &&
               g_ascii_strncasecmp ((const char *)d + i, patterns[k], MIN (pl, n - i)) == 0)
        *conclusive = FALSE;
    }
  if (i + 5 <= n && memcmp (d + i, "<?xml", 5) == 0)
    return GLEANER_CONTENT_XML;
  if (n < SNIFF_BYTES && i + 5 > n && memcmp (d + i, "<?xml", n - i) == 0)
    *conclusive = FALSE;
  if (i == n && n < SNIFF_BYTES)
    *conclusive = FALSE;
  return GLEANER_CONTENT_OTHER;
}

/**
 * gleaner_title_parser_sniff:
 * @data: the first bytes of a body
 * @len: length of @data
 *
 * What a browser makes of a body served without a Content-Type: HTML when it
 * starts (after whitespace) with one of the MIME Sniffing spec's HTML patterns,
 * XML when it starts with "<?xml", otherwise OTHER. Only the first 512 bytes count.
 *
 * Returns: %GLEANER_CONTENT_HTML, %GLEANER_CONTENT_XML or %GLEANER_CONTENT_OTHER
 */
GleanerContentClass
gleaner_title_parser_sniff (const guint8 *data,
                            gsize         len)
{
  gboolean conclusive;

  g_return_val_if_fail (data != NULL || len == 0, GLEANER_CONTENT_OTHER);

  return sniff (data, len, &conclusive);
}

/**
 * gleaner_title_parser_classify:
 * @content_type: (nullable): a Content-Type header value
 *
 * Thread-safe.
 *
 * Returns: HTML for text/html; XML for text/xml, application/xml and any
 *   "+xml" type; UNKNOWN when there is no (valid) type, or it is
 *   unknown/unknown, application/unknown or * / *; OTHER for everything else.
 */
GleanerContentClass
gleaner_title_parser_classify (const char *content_type)
{
  g_autofree char *essence = NULL;

  if (!gleaner_content_type_parse (content_type, &essence, NULL))
    return GLEANER_CONTENT_UNKNOWN;
  if (strcmp (essence, "unknown/unknown") == 0 || strcmp (essence, "application/unknown") == 0 ||
      strcmp (essence, "*/*") == 0)
    return GLEANER_CONTENT_UNKNOWN;
  if (strcmp (essence, "text/html") == 0)
    return GLEANER_CONTENT_HTML;
  if (strcmp (essence, "text/xml") == 0 || strcmp (essence, "application/xml") == 0 ||
      g_str_has_suffix (essence, "+xml"))
    return GLEANER_CONTENT_XML;
  return GLEANER_CONTENT_OTHER;
}

/* ---- URLs --------------------------------------------------------------------------- */

/* Cleans an href as the URL parser would see it, and percent-encodes what GUri
 * does not take raw. */
static char *
clean_href (const char *href)
{
  GString *out = g_string_new (NULL);
  gsize start = 0, end = strlen (href);

  while (start < end && (guint8)href[start] <= 0x20)
    start++;
  while (end > start && (guint8)href[end - 1] <= 0x20)
    end--;
  for (gsize i = start; i < end; i++)
    {
      guint8 c = (guint8)href[i];

      if (c == '\t' || c == '\n' || c == '\r')
        continue;
      if (c == '\\')
        g_string_append_c (out, '/');
      else if (c <= 0x20 || c >= 0x7F || strchr ("\"<>`{}|^", c) != NULL)
        g_string_append_printf (out, "%%%02X", c);
      else
        g_string_append_c (out, (char)c);
    }
  return g_string_free (out, FALSE);
}

static char *
resolve_url (const char *href,
             const char *base)
{
  g_autofree char *clean = clean_href (href);
  g_autoptr(GUri) uri = NULL;
  const GUriFlags flags = G_URI_FLAGS_PARSE_RELAXED | G_URI_FLAGS_ENCODED |
                          G_URI_FLAGS_SCHEME_NORMALIZE;
  const char *scheme;
  g_autofree char *host = NULL;
  g_autoptr(GUri) normal = NULL;

  if (base != NULL)
    {
      g_autoptr(GUri) base_uri = g_uri_parse (base, flags, NULL);

      if (base_uri != NULL)
        uri = g_uri_parse_relative (base_uri, clean, flags, NULL);
    }
  else
    uri = g_uri_parse (clean, flags, NULL);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 &&
                         g_ascii_strcasecmp (scheme, "https") != 0))
    return NULL;
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  normal = g_uri_build (flags, g_ascii_strcasecmp (scheme, "http") == 0 ? "http" : "https",
                        g_uri_get_userinfo (uri), host, g_uri_get_port (uri),
                        *g_uri_get_path (uri) != '\0' ? g_uri_get_path (uri) : "/",
                        g_uri_get_query (uri), g_uri_get_fragment (uri));
  return g_uri_to_string (normal);
}

static char *
resolve_canonical (const char *href,
                   const char *base_href,
                   const char *base_url)
{
  g_autofree char *doc_base = NULL;

  if (base_href != NULL)
    doc_base = resolve_url (base_href, base_url);
  return resolve_url (href, doc_base != NULL ? doc_base : base_url);
}

/* ---- XML ------------------------------------------------------------------------------ */

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define SVG_NS "http://www.w3.org/2000/svg"

static gboolean
xml_is (xmlNodePtr  node,
        const char *name)
{
  const char *ns;

  if (node->type != XML_ELEMENT_NODE || strcmp ((const char *)node->name, name) != 0)
    return FALSE;
  ns = node->ns != NULL ? (const char *)node->ns->href : NULL;
  return ns == NULL || strcmp (ns, XHTML_NS) == 0;
}

/* Child text content (text and CDATA children; entity references by their
 * declared value or as HTML named references, as Chromium resolves XHTML ones). */
static char *
xml_child_text (xmlNodePtr node)
{
  GString *out = g_string_new (NULL);
  char *result;

  for (xmlNodePtr c = node->children; c != NULL; c = c->next)
    {
      if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
        g_string_append (out, (const char *)c->content);
      else if (c->type == XML_ENTITY_REF_NODE)
        {
          xmlEntityPtr ent = (xmlEntityPtr)c->children;

          if (ent != NULL && ent->type == XML_ENTITY_DECL && ent->content != NULL)
            g_string_append (out, (const char *)ent->content);
          else
            {
              int i = entity_find ((const char *)c->name, strlen ((const char *)c->name));

              if (i >= 0)
                g_string_append (out, gleaner_entities[i].value);
            }
        }
    }
  result = collapse (out->str, out->len);
  g_string_free (out, TRUE);
  return result;
}

/* The next node in document order (elements' children first). */
static xmlNodePtr
xml_next (xmlNodePtr node)
{
  if (node->children != NULL && node->type == XML_ELEMENT_NODE)
    return node->children;
  while (node != NULL)
    {
      if (node->next != NULL)
        return node->next;
      node = node->parent;
    }
  return NULL;
}

static char *
xml_attr (xmlNodePtr  node,
          const char *name)
{
  xmlChar *v = xmlGetNoNsProp (node, (const xmlChar *)name);
  char *r;

  if (v == NULL)
    return NULL;
  r = g_strdup ((const char *)v);
  xmlFree (v);
  return r;
}

static void
parse_xml (GleanerTitleParser *self,
           const guint8       *d,
           gsize               len,
           const char         *content_type,
           const char         *base_url,
           GleanerFields       want,
           GleanerPageFacts   *facts)
{
  const GleanerEncoding *e;
  const char *force = NULL;
  gsize bom_len;
  xmlDocPtr doc;
  xmlNodePtr root;
  g_autofree char *base_href = NULL;
  g_autofree char *canonical = NULL;
  gboolean non_ascii = FALSE;

  if (self->xml_ctxt == NULL)
    self->xml_ctxt = xmlNewParserCtxt ();

  e = gleaner_encoding_sniff_bom (d, len, &bom_len);
  if (e != NULL)
    facts->encoding_source = GLEANER_ENCODING_SOURCE_BOM;
  else if ((e = gleaner_encoding_from_content_type (content_type)) != NULL)
    {
      facts->encoding_source = GLEANER_ENCODING_SOURCE_HEADER;
      if (e != &gleaner_encoding_utf8 && gleaner_utf8_validate (d, len, FALSE, &non_ascii) &&
          non_ascii)
        {
          e = &gleaner_encoding_utf8;
          facts->encoding_source = GLEANER_ENCODING_SOURCE_UTF8;
        }
      force = e->iconv_name != NULL ? e->iconv_name : e->name;
      if (e->kind == GLEANER_ENCODING_KIND_REPLACEMENT ||
          e->kind == GLEANER_ENCODING_KIND_X_USER_DEFINED)
        force = NULL;
    }
  else if (gleaner_utf8_validate (d, len, FALSE, &non_ascii) && non_ascii)
    {
      e = &gleaner_encoding_utf8;
      facts->encoding_source = GLEANER_ENCODING_SOURCE_UTF8;
      force = "UTF-8";
    }

  if (self->xml_ctxt == NULL)
    return;
  doc = xmlCtxtReadMemory (self->xml_ctxt, (const char *)d, (int)MIN (len, G_MAXINT), base_url,
                           force, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (e == NULL)
    {
      if (doc != NULL && doc->encoding != NULL)
        {
          e = gleaner_encoding_for_label ((const char *)doc->encoding, -1);
          facts->encoding_source = GLEANER_ENCODING_SOURCE_META;
        }
      if (e == NULL)
        {
          e = &gleaner_encoding_utf8;
          facts->encoding_source = GLEANER_ENCODING_SOURCE_DEFAULT;
        }
    }
  facts->encoding = g_strdup (e->name);
  if (doc == NULL)
    return;

  root = xmlDocGetRootElement (doc);
  if (root != NULL && (want & GLEANER_FIELD_TITLE) &&
      strcmp ((const char *)root->name, "svg") == 0 &&
      root->ns != NULL && strcmp ((const char *)root->ns->href, SVG_NS) == 0)
    {
      /* An SVG document's title is its root's first SVG <title> child. */
      for (xmlNodePtr c = root->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp ((const char *)c->name, "title") == 0 &&
            c->ns != NULL && strcmp ((const char *)c->ns->href, SVG_NS) == 0)
          {
            facts->has_title = TRUE;
            facts->title = xml_child_text (c);
            break;
          }
      want &= ~GLEANER_FIELD_TITLE;
    }

  for (xmlNodePtr n = root; n != NULL; n = xml_next (n))
    {
      if (n->type != XML_ELEMENT_NODE)
        continue;
      if ((want & GLEANER_FIELD_TITLE) && !facts->has_title && xml_is (n, "title"))
        {
          facts->has_title = TRUE;
          facts->title = xml_child_text (n);
        }
      else if ((want & GLEANER_FIELD_LANG) && n == root && xml_is (n, "html"))
        {
          xmlChar *lang = xmlNodeGetLang (n);
          char *l = lang != NULL ? (char *)lang : xml_attr (n, "lang");

          if (l != NULL)
            facts->lang = collapse (l, strlen (l));
          if (lang != NULL)
            xmlFree (lang);
          else
            g_free (l);
        }
      else if ((want & GLEANER_FIELD_H1) && facts->h1 == NULL && xml_is (n, "h1"))
        {
          xmlChar *content = xmlNodeGetContent (n);

          facts->h1 = collapse (content != NULL ? (const char *)content : "",
                                content != NULL ? strlen ((const char *)content) : 0);
          xmlFree (content);
        }
      else if (xml_is (n, "meta"))
        {
          g_autofree char *name = xml_attr (n, "name");
          g_autofree char *property = xml_attr (n, "property");
          g_autofree char *content = xml_attr (n, "content");

          if (content == NULL)
            continue;
          if ((want & GLEANER_FIELD_DESCRIPTION) && facts->description == NULL && name != NULL &&
              ascii_ieq (name, strlen (name), "description"))
            facts->description = collapse (content, strlen (content));
          for (guint pass = 0; pass < 2; pass++)
            {
              const char *key = pass == 0 ? property : name;

              if (key == NULL)
                continue;
              if ((want & GLEANER_FIELD_OG_TITLE) && facts->og_title == NULL &&
                  ascii_ieq (key, strlen (key), "og:title"))
                facts->og_title = collapse (content, strlen (content));
              if ((want & GLEANER_FIELD_OG_SITE_NAME) && facts->og_site_name == NULL &&
                  ascii_ieq (key, strlen (key), "og:site_name"))
                facts->og_site_name = collapse (content, strlen (content));
            }
        }
      else if (xml_is (n, "link") && (want & GLEANER_FIELD_CANONICAL) && canonical == NULL)
        {
          g_autofree char *rel = xml_attr (n, "rel");
          g_autofree char *href = xml_attr (n, "href");

          if (rel != NULL && href != NULL && has_token (rel, strlen (rel), "canonical"))
            canonical = g_steal_pointer (&href);
        }
      else if (xml_is (n, "base") && base_href == NULL)
        base_href = xml_attr (n, "href");
    }
  if (canonical != NULL)
    facts->canonical = resolve_canonical (canonical, base_href, base_url);
  xmlFreeDoc (doc);
}

/* ---- public API ------------------------------------------------------------------- */

GleanerPageFacts *
gleaner_page_facts_new (void)
{
  return g_new0 (GleanerPageFacts, 1);
}

void
gleaner_page_facts_free (GleanerPageFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->title);
  g_free (facts->description);
  g_free (facts->og_title);
  g_free (facts->og_site_name);
  g_free (facts->canonical);
  g_free (facts->lang);
  g_free (facts->h1);
  g_free (facts->encoding);
  g_free (facts);
}

/**
 * gleaner_title_parser_new:
 *
 * Creates a parser for the calling thread. libxml2 must have been initialised
 * on the main thread first (gleaner_engine_init()).
 *
 * Returns: (transfer full): a new parser
 */
GleanerTitleParser *
gleaner_title_parser_new (void)
{
  GleanerTitleParser *self = g_new0 (GleanerTitleParser, 1);

  self->decoder = gleaner_decoder_new ();
  self->text = g_string_new (NULL);
  self->attr_values = g_string_new (NULL);
  self->title = g_string_new (NULL);
  self->h1 = g_string_new (NULL);
  self->scratch = g_string_new (NULL);
  return self;
}

void
gleaner_title_parser_free (GleanerTitleParser *self)
{
  if (self == NULL)
    return;
  gleaner_decoder_free (self->decoder);
  if (self->detector != NULL)
    uchardet_delete (self->detector);
  g_string_free (self->text, TRUE);
  g_string_free (self->attr_values, TRUE);
  g_string_free (self->title, TRUE);
  g_string_free (self->h1, TRUE);
  g_string_free (self->scratch, TRUE);
  if (self->xml_ctxt != NULL)
    xmlFreeParserCtxt (self->xml_ctxt);
  g_free (self);
}

typedef struct
{
  gboolean complete;      /* every requested fact was known before the input ended */
  gboolean stable;        /* the encoding would be the same with more bytes */
  gboolean ascii_region;  /* everything the scan looked at was plain ASCII, and
                           * any encoding more bytes could bring reads it so */
  gboolean xml;
} ParseOutcome;

static gboolean
is_safe_ascii (const guint8 *d,
               gsize         len)
{
  /* No byte >= 0x80, and no ISO-2022-JP shifts or escapes. */
  for (gsize i = 0; i < len; i++)
    if (d[i] >= 0x80 || d[i] == 0x1B || d[i] == 0x0E || d[i] == 0x0F)
      return FALSE;
  return TRUE;
}

/* Truncates valid, collapsed UTF-8 @s in place after @max_units UTF-16 code
 * units, the unit browsers count a title's length in, never inside a
 * character, and without a space left at the end. */
static void
cap_utf16_units (char  *s,
                 gsize  max_units)
{
  gsize units = 0;

  if (s == NULL)
    return;
  for (char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      /* 4-byte sequences are the characters beyond U+FFFF: a surrogate pair */
      gsize n = ((guint8)*p >= 0xF0) ? 2 : 1;

      if (units + n > max_units)
        {
          /* the text was stripped and collapsed: a cut after a space must
           * not leave one at the end */
          if (p > s && p[-1] == ' ')
            p--;
          *p = '\0';
          return;
        }
      units += n;
    }
}

/* A hostile page can make any fact megabytes long (a 7 MB <title> fits in the
 * body cap). Chromium keeps the first kMaxTitleChars = 4 * 1024 UTF-16 units
 * of a title (content_constants.cc) and that is what its tab, history and
 * document.title round trip show; Gleaner gives the same, and holds the other
 * text facts to the same bound so rows, exports and the window stay small. */
static void
cap_facts (GleanerPageFacts *facts)
{
  char **texts[] = { &facts->title, &facts->description, &facts->og_title,
                     &facts->og_site_name, &facts->lang, &facts->h1 };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    if (*texts[i] != NULL && strlen (*texts[i]) > GLEANER_MAX_TEXT_UNITS)
      {
        cap_utf16_units (*texts[i], GLEANER_MAX_TEXT_UNITS);
        /* give the rest of a huge string back */
        *texts[i] = g_realloc (*texts[i], strlen (*texts[i]) + 1);
      }
}

static GleanerPageFacts *
scan_facts (GleanerTitleParser *self,
            const guint8       *data,
            gsize               len,
            const char         *content_type,
            const char         *base_url,
            GleanerFields       fields,
            ParseOutcome       *outcome)
{
  GleanerPageFacts *facts = gleaner_page_facts_new ();
  GleanerContentClass klass = gleaner_title_parser_classify (content_type);
  EncodingChoice choice;
  Scanner *s;
  gsize start;

  memset (outcome, 0, sizeof *outcome);
  if (klass == GLEANER_CONTENT_UNKNOWN)
    {
      gboolean conclusive;

      klass = sniff (data, len, &conclusive);
      outcome->stable = conclusive;
    }
  else
    outcome->stable = TRUE;

  if (klass == GLEANER_CONTENT_OTHER)
    {
      facts->title = g_strdup ("");
      facts->encoding_source = GLEANER_ENCODING_SOURCE_NONE;
      outcome->complete = outcome->stable;
      return facts;
    }
  if (klass == GLEANER_CONTENT_XML)
    {
      outcome->xml = TRUE;
      parse_xml (self, data, len, content_type, base_url, fields, facts);
      if (facts->title == NULL)
        facts->title = g_strdup ("");
      return facts;
    }

  choose_html_encoding (self, data, len, content_type, &choice);
  outcome->stable = outcome->stable && choice.stable;
  facts->encoding = g_strdup (choice.encoding->name);
  facts->encoding_source = choice.source;

  s = g_new (Scanner, 1);
  scanner_init (s, self, fields, FALSE);
  start = choice.bom_len;
  if (choice.zero_copy)
    text_init (&s->t, TEXT_ZERO_COPY, data + start, len - start, choice.encoding, NULL, NULL);
  else if (choice.encoding == &gleaner_encoding_utf8)
    text_init (&s->t, TEXT_UTF8_LAZY, data + start, len - start, choice.encoding, self->text,
               self->decoder);
  else
    text_init (&s->t, TEXT_DECODE, data + start, len - start, choice.encoding, self->text,
               self->decoder);

  scan (s);

  if (s->title_found && (fields & GLEANER_FIELD_TITLE))
    {
      facts->has_title = TRUE;
      facts->title = collapse (self->title->str, self->title->len);
    }
  else
    facts->title = g_strdup ("");
  if (s->h1_found)
    facts->h1 = collapse (self->h1->str, self->h1->len);
  facts->description = g_steal_pointer (&s->description);
  facts->og_title = g_steal_pointer (&s->og_title);
  facts->og_site_name = g_steal_pointer (&s->og_site_name);
  if (fields & GLEANER_FIELD_LANG)
    facts->lang = g_steal_pointer (&s->lang);
  if (s->canonical != NULL)
    facts->canonical = resolve_canonical (s->canonical, s->base_href, base_url);

  /* The text the scan saw is the same in the whole body: decoding is
   * deterministic and chunk-independent, and only the last few bytes of text
   * (an incomplete sequence flushed as U+FFFD) depend on where the input ends. */
  outcome->complete = s->complete && !s->eof_touched &&
                      s->stop_pos + LOOKAHEAD_MARGIN + FLUSH_MARGIN <= s->t.len;
  outcome->ascii_region = choice.ascii_candidates &&
                          start + s->stop_pos + LOOKAHEAD_MARGIN <= len &&
                          is_safe_ascii (data, start + s->stop_pos + LOOKAHEAD_MARGIN);

  scanner_clear (s);
  g_free (s);

  /* A parser lives as long as its thread: do not keep a huge page's buffers. */
  if (self->text->allocated_len > KEEP_BUFFER_BYTES)
    {
      g_string_free (self->text, TRUE);
      self->text = g_string_new (NULL);
    }
  if (self->title->allocated_len > KEEP_BUFFER_BYTES)
    {
      g_string_free (self->title, TRUE);
      self->title = g_string_new (NULL);
    }
  if (self->h1->allocated_len > KEEP_BUFFER_BYTES)
    {
      g_string_free (self->h1, TRUE);
      self->h1 = g_string_new (NULL);
    }
  return facts;
}

/* Every way facts leave the parser (a whole parse, or a prefix check handing
 * its facts on) goes through here, so none escapes the cap. */
static GleanerPageFacts *
parse_internal (GleanerTitleParser *self,
                const guint8       *data,
                gsize               len,
                const char         *content_type,
                const char         *base_url,
                GleanerFields       fields,
                ParseOutcome       *outcome)
{
  GleanerPageFacts *facts = scan_facts (self, data, len, content_type, base_url, fields, outcome);

  cap_facts (facts);
  return facts;
}

/**
 * gleaner_title_parser_parse:
 * @self: a parser owned by the calling thread
 * @data: the body bytes as received (after Content-Encoding was decoded)
 * @len: length of @data
 * @content_type: (nullable): the Content-Type header, parameters included
 * @base_url: (nullable): the page's final URL, to resolve the canonical link
 * @fields: which facts to extract; the parse may stop once all are known
 *
 * Returns: (transfer full): the facts. Never %NULL: bytes that are not HTML
 *   simply give a page without a title.
 */
GleanerPageFacts *
gleaner_title_parser_parse (GleanerTitleParser *self,
                            const guint8       *data,
                            gsize               len,
                            const char         *content_type,
                            const char         *base_url,
                            GleanerFields       fields)
{
  ParseOutcome outcome;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (data == NULL)
    data = (const guint8 *)"";
  return parse_internal (self, data, len, content_type, base_url, fields, &outcome);
}

/**
 * gleaner_title_parser_check_prefix:
 * @self: a parser owned by the calling thread
 * @data: the first @len bytes of a body (more may follow)
 * @len: length of @data
 * @content_type: (nullable): the Content-Type header
 * @base_url: (nullable): the page's final URL, to resolve the canonical link
 * @fields: the facts the run wants
 * @facts: (out) (optional) (transfer full): when %TRUE is returned, the facts
 *   of @data, as gleaner_title_parser_parse() gives them for the same arguments
 *
 * gleaner_title_parser_prefix_is_enough() with the caller's parser, so a
 * fetch worker checking page after page allocates no parser each time, and
 * can hand on the facts instead of having the page parsed a second time.
 *
 * Returns: %TRUE when parsing @data gives the same facts for @fields as the
 *   whole body would
 */
gboolean
gleaner_title_parser_check_prefix (GleanerTitleParser  *self,
                                   const guint8        *data,
                                   gsize                len,
                                   const char          *content_type,
                                   const char          *base_url,
                                   GleanerFields        fields,
                                   GleanerPageFacts   **facts)
{
  g_autoptr(GleanerPageFacts) prefix_facts = NULL;
  GleanerContentClass klass = gleaner_title_parser_classify (content_type);
  ParseOutcome outcome;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len == 0 || data == NULL)
    return FALSE;
  /* XML never stops early; sniffing as parse_internal() would also keeps
   * libxml2 state out of @self, which a fetcher frees on another thread. */
  if (klass == GLEANER_CONTENT_UNKNOWN)
    {
      gboolean conclusive;

      klass = sniff (data, len, &conclusive);
    }
  if (klass == GLEANER_CONTENT_XML)
    return FALSE;

  prefix_facts = parse_internal (self, data, len, content_type, base_url, fields, &outcome);
  if (outcome.xml || !outcome.complete || !(outcome.stable || outcome.ascii_region))
    return FALSE;
  if (facts != NULL)
    *facts = g_steal_pointer (&prefix_facts);
  return TRUE;
}

/**
 * gleaner_title_parser_prefix_is_enough:
 * @data: the first @len bytes of a body (more may follow)
 * @len: length of @data
 * @content_type: (nullable): the Content-Type header
 * @fields: the facts the run wants
 *
 * Runs the real scanner over @data and says %TRUE only when it found every
 * requested fact before reaching the end of @data, and neither the encoding
 * nor anything the scan looked at could change with more bytes (UTF-16 and XML
 * documents always need the whole body). The encoding *name* reported for a
 * prefix may still differ from the whole body's (the UTF-8 policy looks at all
 * the bytes read); the facts do not.
 *
 * Thread-safe (no shared state).
 */
gboolean
gleaner_title_parser_prefix_is_enough (const guint8  *data,
                                       gsize          len,
                                       const char    *content_type,
                                       GleanerFields  fields)
{
  g_autoptr(GleanerTitleParser) parser = NULL;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len == 0 || data == NULL)
    return FALSE;

  parser = gleaner_title_parser_new ();
  return gleaner_title_parser_check_prefix (parser, data, len, content_type, NULL, fields, NULL);
}
