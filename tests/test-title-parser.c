/* test-title-parser.c: encoding sniffing, document.title rules and page facts
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "gleaner-encoding.h"
#include "gleaner-engine.h"
#include "gleaner-test-utils.h"

/* Expected titles in these tables are what Chromium 156 (headless, JavaScript
 * off, the corpus's set-up) gave as document.title for the same bytes served
 * with the same Content-Type, except where a comment says otherwise. */
typedef struct
{
  const char *group;
  const char *name;
  const char *html;
  gsize       len;
  const char *title;
} HtmlCase;

static const HtmlCase html_cases[] = {
  { "whitespace", "ws_collapse", "<title>\n\t  Hello \x0d\n  World \x0c </title>", 37, "Hello World" },
  { "whitespace", "controls", "<title>a\x01" "b\x0b" "c\x7f" "d\x1f" "e\xc2\x85" "f \xc2\xa0 </title>", 31, "a b\x0b" "c d e\xc2\x85" "f \xc2\xa0" },
  { "whitespace", "nul", "<title>a\x00" "b</title>", 18, "a\xef\xbf\xbd" "b" },
  { "rcdata", "rcdata_tags", "<title>a <b>c</b> <!-- d --> </p></title>", 41, "a <b>c</b> <!-- d --> </p>" },
  { "char-refs/named", "refs_named", "<title>&amp; &lt;&gt; &mdash; &nbsp;x &NotEqualTilde; &notin; &notit; &ampx &copy2 &unknown; &AMP</title>", 105, "& <> \xe2\x80\x94 \xc2\xa0x \xe2\x89\x82\xcc\xb8 \xe2\x88\x89 \xc2\xacit; &x \xc2\xa9" "2 &unknown; &" },
  { "char-refs/numeric", "refs_numeric", "<title>&#65;&#x42;&#X43 &#0; &#x80;&#x81;&#150; &#xD800; &#x110000; &#99999999999; &#x; &#; &#x41</title>", 105, "ABC \xef\xbf\xbd \xe2\x82\xac\xc2\x81\xe2\x80\x93 \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd &#x; &#; A" },
  { "end-tag", "end_variants1", "<title>a</title >b", 18, "a" },
  { "end-tag", "end_variants2", "<title>a</title/>b", 18, "a" },
  { "end-tag", "end_variants3", "<title>a</titlex>b</TITLE>", 26, "a</titlex>b" },
  { "end-tag", "end_variants4", "<title>a</title\nfoo=\">\">b", 25, "a" },
  { "unclosed", "unclosed", "<title>Foo</head><body><p>bar</p></body></html>", 47, "Foo</head><body><p>bar</p></body></html>" },
  { "foreign-content", "svg_title", "<body><svg><title>SVG</title></svg><title>HTML</title>", 54, "HTML" },
  { "foreign-content", "math_title", "<body><math><title>M</title></math><title>HTML</title>", 54, "HTML" },
  { "template", "template_title", "<template><title>T</title></template><title>HTML</title>", 56, "HTML" },
  { "template", "nested_template", "<template><template></template><title>T</title></template><title>HTML</title>", 77, "HTML" },
  { "foreign-content", "foreignobject", "<svg><foreignObject><title>F</title></foreignObject></svg><title>H</title>", 74, "F" },
  { "foreign-content", "svg_desc", "<svg><desc><title>D</title></desc></svg><title>H</title>", 56, "D" },
  { "foreign-content", "mathml_mi", "<math><mi><title>MI</title></mi></math><title>H</title>", 55, "MI" },
  { "foreign-content", "annotation_html", "<math><annotation-xml encoding=\"text/html\"><title>A</title></annotation-xml></math><title>H</title>", 99, "A" },
  { "foreign-content", "annotation_plain", "<math><annotation-xml><title>A</title></annotation-xml></math><title>H</title>", 78, "H" },
  { "foreign-content", "svg_breakout_p", "<svg><p><title>P</title>", 24, "P" },
  { "foreign-content", "svg_breakout_font", "<svg><font color=red><title>F</title>", 37, "F" },
  { "foreign-content", "svg_font_plain", "<svg><font><title>F</title></font></svg><title>H</title>", 56, "H" },
  { "unclosed", "svg_unclosed", "<svg><g></body></html><title>X</title>", 38, "" },
  { "foreign-content", "svg_closed_by_div", "<div><svg><g></div><title>X</title>", 35, "X" },
  { "foreign-content", "svg_selfclosing", "<svg/><title>X</title>", 22, "X" },
  { "foreign-content", "svg_endtag_case", "<svg><foreignObject></FOREIGNOBJECT><title>S</title></svg><title>H</title>", 74, "H" },
  { "position", "title_in_body", "<html><head></head><body><p>x</p><title>Body Title</title></body>", 65, "Body Title" },
  { "position", "title_after_html", "<html><head></head><body></body></html><title>After</title>", 59, "After" },
  { "position", "second_title", "<title>One</title><title>Two</title>", 36, "One" },
  { "markup", "comment_abrupt1", "<!--><title>A</title>-->", 24, "A" },
  { "markup", "comment_abrupt2", "<!---><title>B</title>-->", 25, "B" },
  { "markup", "comment_bang", "<!-- x --!><title>C</title>", 27, "C" },
  { "markup", "comment_title", "<!-- <title>no</title> --><title>yes</title>", 44, "yes" },
  { "unclosed", "comment_unclosed", "<!-- <title>no</title>", 22, "" },
  { "markup", "bogus_comment", "<\? <title>no \?><title>yes</title>", 33, "yes" },
  { "markup", "bogus_comment2", "</ <title>no><title>yes</title>", 31, "yes" },
  { "markup", "doctype_gt", "<!DOCTYPE html PUBLIC \"a>b\"><title>yes</title>", 46, "yes" },
  { "raw-text", "script_title", "<script>var a=\"<title>no</title>\";</script><title>yes</title>", 61, "yes" },
  { "raw-text", "script_escaped", "<script><!--<script></script><title>no</title>--></script><title>yes</title>", 76, "yes" },
  { "raw-text", "script_escaped2", "<script><!--</script><title>yes</title>", 39, "yes" },
  { "raw-text", "script_dd", "<script><!--<script>--></script><title>x</title></script><title>y</title>", 73, "x" },
  { "raw-text", "style_title", "<style><title>no</title></style><title>yes</title>", 50, "yes" },
  { "raw-text", "textarea_title", "<textarea><title>no</title></textarea><title>yes</title>", 56, "yes" },
  { "raw-text", "xmp_title", "<xmp><title>no</title></xmp><title>yes</title>", 46, "yes" },
  { "raw-text", "iframe_title", "<iframe><title>no</title></iframe><title>yes</title>", 52, "yes" },
  { "raw-text", "noembed_title", "<noembed><title>no</title></noembed><title>yes</title>", 54, "yes" },
  { "raw-text", "noframes_title", "<noframes><title>no</title></noframes><title>yes</title>", 56, "yes" },
  { "position", "noscript_title", "<noscript><title>inside</title></noscript><title>after</title>", 62, "inside" },
  { "raw-text", "plaintext", "<plaintext><title>no</title>", 28, "" },
  { "foreign-content", "cdata_svg", "<svg><![CDATA[</svg><title>no</title>]]></svg><title>yes</title>", 64, "yes" },
  { "foreign-content", "cdata_html", "<![CDATA[<title>a</title>]]><title>b</title>", 44, "b" },
  { "markup", "attr_gt", "<meta content=\"<title>no</title>\"><title>yes</title>", 52, "yes" },
  { "markup", "attr_unquoted", "<a href=x<title>no</title>>z</a><title>yes</title>", 50, "yes" },
  { "rcdata", "title_selfclosing", "<title/>abc</title>", 19, "abc" },
  { "rcdata", "title_attrs", "<title lang=\"en\" >abc</title>", 29, "abc" },
  { "rcdata", "title_upper", "<TITLE>Up</TITLE>", 17, "Up" },
  { "rcdata", "lt_text", "<title>a < b <</title>", 22, "a < b <" },
  { "empty", "empty", "", 0, "" },
  { "empty", "no_title", "<p>hi", 5, "" },
  { "empty", "empty_title", "<title></title>", 15, "" },
  { "whitespace", "ws_title", "<title> \t\n</title>", 18, "" },
  { "position", "select_title", "<select><title>S</title></select><title>H</title>", 49, "S" },
  { "position", "table_title", "<table><tr><td><title>A</title></td></tr><title>B</title></table>", 65, "B" },
  { "position", "frameset_title", "<frameset><title>F</title></frameset>", 37, "" },
  { "unclosed", "ampersand_title_end", "<title>a&", 9, "a&" },
  { "char-refs/named", "refs_attr_like", "<title>&amp=x &copy=y &notx</title>", 35, "&=x \xc2\xa9=y \xc2\xacx" },
  { "whitespace", "webkit_ws", "<title>\t\n\x0d \x0d \t\n\n</title>", 24, "" },
  { "whitespace", "webkit_ws2", "<title> lots of \x0d whitespace \t\n here </title>", 45, "lots of whitespace here" },
  { "unclosed", "unclosed_body", "<html><head><title>Unclosed <p>text", 35, "Unclosed <p>text" },
  { "rcdata", "entity_in_title_tag_text", "<title>&lt;b&gt;bold&lt;/b&gt; &amp;amp;</title>", 48, "<b>bold</b> &amp;" },
  { "char-refs/named", "legacy_refs", "<title>&copy &reg &amp &lt &gt &quot &nbsp; &eacute &Eacute &frac12 &middot</title>", 83, "\xc2\xa9 \xc2\xae & < > \" \xc2\xa0 \xc3\xa9 \xc3\x89 \xc2\xbd \xc2\xb7" },
  { "char-refs/numeric", "numeric_c1", "<title>&#128;&#130;&#159;&#x9d;&#13;&#x7f;&#1;</title>", 54, "\xe2\x82\xac\xe2\x80\x9a\xc5\xb8\xc2\x9d" },
  { "foreign-content", "title_in_svg_in_body_then_html", "<body><p><svg viewBox=\"0 0 1 1\"><title>Icon</title><path d=\"M0\"/></svg> text</p><title>Real</title>", 99, "Real" },
  { "foreign-content", "math_text_ip_mglyph", "<math><mi><mglyph><title>G</title></mglyph></mi></math><title>H</title>", 71, "H" },
  { "template", "template_in_head_then_title", "<head><template><title>T</title><svg><title>S</title></svg></template></head><body><title>B</title>", 99, "B" },
  { "rcdata", "script_in_title", "<title><script>x</script></title>", 33, "<script>x</script>" },
  { "char-refs/numeric", "title_entity_split", "<title>&#x1F600;&#128512;</title>", 33, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80" },
  { "position", "noscript_head_meta_title", "<head><noscript><title>N</title></noscript></head>", 50, "N" },
  { "unclosed", "textarea_unclosed", "<textarea><title>no</title>", 27, "" },
  { "markup", "comment_dashes", "<!-- a -- b ---><title>ok</title>", 33, "ok" },
  { "markup", "comment_lt_bang", "<!-- <!-- nested --> <title>ok</title>", 38, "ok" },
  { "markup", "doctype_lower", "<!doctype html><title>ok</title>", 32, "ok" },
  { "end-tag", "end_tag_attrs_quote", "<title>a</title x=\">\"><title>b</title>", 38, "a" },
  { "foreign-content", "svg_cdata_title", "<svg><title><![CDATA[x]]></title></svg><title>y</title>", 55, "y" },
  { "foreign-content", "nested_svg_math", "<svg><math><title>m</title></math></svg><title>h</title>", 56, "h" },
  { "foreign-content", "svg_in_template_end", "<template><svg></template><title>t</title>", 42, "t" },
  { "foreign-content", "svg_end_by_p_end", "<p><svg><g></p><title>x</title>", 31, "x" },
  { "foreign-content", "upper_svg", "<SVG><TITLE>S</TITLE></SVG><title>H</title>", 43, "H" },
  { "foreign-content", "br_end_in_svg", "<svg></br><title>x</title>", 26, "x" },
  { "position", "table_cell_then_row", "<table><tr><td><title>A</title></td></tr><title>B</title></table>", 65, "B" },
  { "position", "table_row_first", "<table><title>A</title><tr><td><title>B</title></table>", 55, "A" },
  { "position", "table_nested", "<table><tr><td><table><tr><td><title>A</title></table><title>B</title></table>", 78, "A" },
  { "position", "table_nested2", "<table><tr><td><table><tr><td><title>A</title></td></tr></table></td></tr><title>B</title></table>", 98, "B" },
  { "position", "table_after_close", "<table><tr><td><title>A</title></table><table><title>B</title></table>", 70, "A" },
  { "position", "table_caption", "<table><caption><title>A</title></caption><title>B</title></table>", 66, "B" },
  { "position", "table_two_foster", "<table><title>A</title><title>B</title></table>", 47, "A" },
  { "position", "table_colgroup", "<table><tr><td><title>A</title></td></tr></tbody><colgroup><title>B</title></table>", 83, "B" },
  { "position", "before_table", "<title>A</title><table><title>B</title></table>", 47, "A" },
  { "unclosed", "table_unclosed_title_later", "<table><tr><td><title>A</title>", 31, "A" },
};

static GleanerPageFacts *
parse (const char    *data,
       gsize          len,
       const char    *content_type,
       GleanerFields  fields)
{
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();

  return gleaner_title_parser_parse (parser, (const guint8 *)data, len, content_type,
                                     "https://example.com/dir/page.html", fields);
}

static char *
title_of (const char *data,
          gsize       len,
          const char *content_type)
{
  g_autoptr(GleanerPageFacts) facts = parse (data, len, content_type, GLEANER_FIELD_TITLE);

  g_assert_nonnull (facts->title);
  g_assert_true (g_utf8_validate (facts->title, -1, NULL));
  return g_strdup (facts->title);
}

static void
run_group (gconstpointer data)
{
  const char *group = data;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (html_cases); i++)
    {
      const HtmlCase *c = &html_cases[i];
      g_autofree char *title = NULL;

      if (strcmp (c->group, group) != 0)
        continue;
      g_test_message ("case %s", c->name);
      title = title_of (c->html, c->len, "text/html; charset=utf-8");
      g_assert_cmpstr (title, ==, c->title);
      /* Asking for more facts never changes the title. */
      {
        g_autoptr(GleanerPageFacts) all = parse (c->html, c->len, "text/html; charset=utf-8",
                                                 GLEANER_FIELDS_ALL);

        g_assert_cmpstr (all->title, ==, c->title);
      }
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

static void
test_new_free (void)
{
  GleanerTitleParser *parser = gleaner_title_parser_new ();
  GleanerPageFacts *facts;

  facts = gleaner_title_parser_parse (parser, (const guint8 *)"<title>x</title>", 16,
                                      "text/html", NULL, GLEANER_FIELD_TITLE);
  g_assert_true (facts->has_title);
  g_assert_cmpstr (facts->title, ==, "x");
  g_assert_cmpstr (facts->encoding, ==, "windows-1252");
  g_assert_cmpint (facts->encoding_source, ==, GLEANER_ENCODING_SOURCE_DEFAULT);
  gleaner_page_facts_free (facts);

  facts = gleaner_title_parser_parse (parser, NULL, 0, "text/html", NULL, GLEANER_FIELD_TITLE);
  g_assert_false (facts->has_title);
  g_assert_cmpstr (facts->title, ==, "");
  gleaner_page_facts_free (facts);
  gleaner_title_parser_free (parser);
  gleaner_page_facts_free (NULL);
  gleaner_title_parser_free (NULL);
}

static void
test_has_title (void)
{
  g_autoptr(GleanerPageFacts) empty = parse ("<title></title>", 15, "text/html", GLEANER_FIELD_TITLE);
  g_autoptr(GleanerPageFacts) none = parse ("<p>x", 4, "text/html", GLEANER_FIELD_TITLE);
  g_autoptr(GleanerPageFacts) svg_only = parse ("<svg><title>s</title></svg>", 27, "text/html",
                                                GLEANER_FIELD_TITLE);

  g_test_summary ("An empty <title> is a title; none, or only an SVG one, is not");
  g_assert_true (empty->has_title);
  g_assert_cmpstr (empty->title, ==, "");
  g_assert_false (none->has_title);
  g_assert_false (svg_only->has_title);
  g_assert_cmpstr (svg_only->title, ==, "");
}

/* ---- encodings ------------------------------------------------------------ */

typedef struct
{
  const char           *name;
  const char           *html;
  gsize                 len;
  const char           *content_type;
  const char           *title;
  const char           *encoding;  /* NULL: not checked (a guess) */
  GleanerEncodingSource source;
} EncodingCase;

#define NONE GLEANER_ENCODING_SOURCE_NONE
#define BOM GLEANER_ENCODING_SOURCE_BOM
#define HEADER GLEANER_ENCODING_SOURCE_HEADER
#define META GLEANER_ENCODING_SOURCE_META
#define UTF8 GLEANER_ENCODING_SOURCE_UTF8
#define DETECTED GLEANER_ENCODING_SOURCE_DETECTED
#define DEFAULT GLEANER_ENCODING_SOURCE_DEFAULT

/* Titles from Chromium; in the undeclared cases Chromium and uchardet guess
 * (both windows-1252 here), so the encoding is not checked. */
#define LIT(s) s, sizeof (s) - 1
static const EncodingCase encoding_cases[] = {
  { "bom_beats_header", LIT ("\xef\xbb\xbf<title>caf\xc3\xa9</title>"), "text/html; charset=iso-8859-1", "caf\xc3\xa9", "UTF-8", BOM },
  { "bom_beats_meta", LIT ("\xef\xbb\xbf<meta charset=iso-8859-1><title>caf\xc3\xa9</title>"), "text/html", "caf\xc3\xa9", "UTF-8", BOM },
  { "header_beats_meta", LIT ("<meta charset=windows-1251><title>\xc0\xc1</title>"), "text/html; charset=koi8-r", "\xd1\x8e\xd0\xb0", "KOI8-R", HEADER },
  { "meta_charset", LIT ("<meta charset=\"windows-1251\"><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_httpequiv", LIT ("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_content_no_pragma", LIT ("<meta content=\"text/html; charset=windows-1251\"><title>\xc0\xc1</title>"), "text/html", "\xc3\x80\xc3\x81", NULL, NONE },
  { "meta_in_comment", LIT ("<!-- <meta charset=windows-1251> --><title>\xc0\xc1</title>"), "text/html", "\xc3\x80\xc3\x81", NULL, NONE },
  /* Chromium scans for <meta> with its tokenizer: not in script, style or title text. */
  { "meta_in_script", LIT ("<script>\"<meta charset=windows-1251>\"</script><title>\xc0\xc1</title>"), "text/html", "\xc3\x80\xc3\x81", NULL, NONE },
  { "meta_in_title_first", LIT ("<title>\xc0\xc1<meta charset=windows-1251></title>"), "text/html", "\xc3\x80\xc3\x81<meta charset=windows-1251>", NULL, NONE },
  { "meta_unknown_label", LIT ("<meta charset=bogus><meta charset=windows-1251><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_utf16", LIT ("<meta charset=utf-16><title>caf\xc3\xa9 \xc0</title>"), "text/html", "caf\xc3\xa9 \xef\xbf\xbd", "UTF-8", META },
  { "meta_xuserdefined", LIT ("<meta charset=x-user-defined><title>\x93q\x94</title>"), "text/html", "\xe2\x80\x9cq\xe2\x80\x9d", "windows-1252", META },
  { "header_xuserdefined", LIT ("<title>\x93q\x94</title>"), "text/html; charset=x-user-defined", "\xef\x9e\x93q\xef\x9e\x94", "x-user-defined", HEADER },
  { "header_replacement", LIT ("<title>abc</title>"), "text/html; charset=iso-2022-kr", "", "replacement", HEADER },
  { "header_utf16_nobom", LIT ("<\x00t\x00i\x00t\x00l\x00" "e\x00>\x00" "a\x00" "b\x00<\x00/\x00t\x00i\x00t\x00l\x00" "e\x00>\x00"), "text/html; charset=utf-16", "ab", "UTF-16LE", HEADER },
  { "utf16le_bom", LIT ("\xff\xfe<\x00t\x00i\x00t\x00l\x00" "e\x00>\x00\x16\x04 \x00x\x00<\x00/\x00t\x00i\x00t\x00l\x00" "e\x00>\x00"), "text/html", "\xd0\x96 x", "UTF-16LE", BOM },
  { "utf16be_bom", LIT ("\xfe\xff\x00<\x00t\x00i\x00t\x00l\x00" "e\x00>\x04\x16\x00 \x00y\x00<\x00/\x00t\x00i\x00t\x00l\x00" "e\x00>"), "text/html", "\xd0\x96 y", "UTF-16BE", BOM },
  { "xml_decl", LIT ("<\?xml version=\"1.0\" encoding=\"windows-1251\"\?><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "xml_decl_vs_meta", LIT ("<\?xml version=\"1.0\" encoding=\"windows-1251\"\?><meta charset=koi8-r><title>\xc0\xc1</title>"), "text/html", "\xd1\x8e\xd0\xb0", "KOI8-R", META },
  { "latin1_label", LIT ("<meta charset=latin1><title>\x93q\x94 \x80</title>"), "text/html", "\xe2\x80\x9cq\xe2\x80\x9d \xe2\x82\xac", "windows-1252", META },
  { "label_ws_case", LIT ("<meta charset=\"  ISO-8859-9 \"><title>\xdd\xfe</title>"), "text/html", "\xc4\xb0\xc5\x9f", "windows-1254", META },
  { "header_quoted", LIT ("<title>\xc0\xc1</title>"), "text/html; charset=\"windows-1251\"", "\xd0\x90\xd0\x91", "windows-1251", HEADER },
  { "header_bad_then_meta", LIT ("<meta charset=windows-1251><title>\xc0\xc1</title>"), "text/html; charset=bogus", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "nodecl_1252", LIT ("<title>caf\xe9 \x93q\x94</title>"), "text/html", "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d", NULL, NONE },
  { "meta_content_quotes", LIT ("<meta http-equiv=content-type content='text/html; charset = \"windows-1251\"'><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_charset_beats_content", LIT ("<meta content=\"text/html; charset=koi8-r\" http-equiv=\"content-type\" charset=\"windows-1251\"><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_charset_then_content", LIT ("<meta charset=\"windows-1251\" content=\"text/html; charset=koi8-r\" http-equiv=\"content-type\"><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_entity_value", LIT ("<meta charset=\"windows&#45;1251\"><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_in_noscript", LIT ("<noscript><meta charset=windows-1251></noscript><title>\xc0\xc1</title>"), "text/html", "\xd0\x90\xd0\x91", "windows-1251", META },
  { "meta_in_svg_style", LIT ("<svg><style><meta charset=windows-1251></style></svg><title>\xc0\xc1</title>"), "text/html", "\xc3\x80\xc3\x81", NULL, NONE },
  { "sniff_html", LIT ("  <!DOCTYPE html><title>x</title>"), NULL, "x", "windows-1252", DEFAULT },
  { "sniff_comment", LIT ("<!-- c --><title>x</title>"), NULL, "x", "windows-1252", DEFAULT },
  { "sniff_text", LIT ("hello <title>x</title>"), NULL, "", NULL, NONE },
  { "sniff_bom", LIT ("\xef\xbb\xbf<html><title>x</title>"), NULL, "", NULL, NONE },
  /* Gleaner's UTF-8 policy (Chromium shows mojibake for these) */
  { "policy_vs_header", LIT ("<title>caf\xc3\xa9</title>"), "text/html; charset=windows-1252", "caf\xc3\xa9", "UTF-8", UTF8 },
  { "policy_vs_meta", LIT ("<meta charset=gb2312><title>\xe6\x96\xb0\xe9\x97\xbb</title>"), "text/html", "\xe6\x96\xb0\xe9\x97\xbb", "UTF-8", UTF8 },
  { "policy_undeclared", LIT ("<title>\xe6\x96\xb0\xe9\x97\xbb</title>"), "text/html", "\xe6\x96\xb0\xe9\x97\xbb", "UTF-8", UTF8 },
  { "policy_ascii_keeps_label", LIT ("<title>plain</title>"), "text/html; charset=koi8-r", "plain", "KOI8-R", HEADER },
  { "policy_bom_decides", LIT ("\xef\xbb\xbf<title>caf\xc3\xa9</title>"), "text/html; charset=koi8-r", "caf\xc3\xa9", "UTF-8", BOM },
  { "declared_utf8_invalid", LIT ("<meta charset=utf-8><title>a\xff" "b</title>"), "text/html", "a\xef\xbf\xbd" "b", "UTF-8", META },
  { "header_utf8", LIT ("<title>caf\xc3\xa9</title>"), "text/html; charset=UTF-8", "caf\xc3\xa9", "UTF-8", HEADER },
  { "ascii_undeclared", LIT ("<title>plain</title>"), "text/html", "plain", "windows-1252", DEFAULT },
};

static void
check_encoding_case (const char           *name,
                     const char           *html,
                     gsize                 len,
                     const char           *content_type,
                     const char           *title,
                     const char           *encoding,
                     GleanerEncodingSource source)
{
  g_autoptr(GleanerPageFacts) facts = parse (html, len, content_type, GLEANER_FIELD_TITLE);

  g_test_message ("case %s", name);
  g_assert_cmpstr (facts->title, ==, title);
  if (encoding != NULL)
    {
      g_assert_cmpstr (facts->encoding, ==, encoding);
      g_assert_cmpint (facts->encoding_source, ==, source);
    }
}

static void
test_encoding_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (encoding_cases); i++)
    {
      const EncodingCase *c = &encoding_cases[i];

      check_encoding_case (c->name, c->html, c->len, c->content_type, c->title, c->encoding,
                           c->source);
    }
}

static char *
repeat (const char *unit,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

static void
test_encoding_meta_position (void)
{
  g_autofree char *links = repeat ("<link rel=x>", 100);
  g_autofree char *text1100 = repeat ("x", 1100);
  g_autofree char *text900 = repeat ("x", 900);
  struct
  {
    const char *name;
    char *html;
    const char *title;
    const char *encoding;
  } cases[] = {
    /* In the head, a late <meta> still counts (Chromium keeps scanning while
     * it has seen only head elements); after the head, only the first 1024
     * bytes count. */
    { "meta_after_1024_head",
      g_strconcat ("<html><head>", links, "<meta charset=windows-1251><title>\xc0\xc1</title>", NULL),
      "\xd0\x90\xd0\x91", "windows-1251" },
    { "meta_after_1024_body",
      g_strconcat ("<html><head><title>\xc0\xc1</title></head><body>", links,
                   "<meta charset=windows-1251>", NULL),
      "\xc3\x80\xc3\x81", NULL },
    { "meta_after_headend",
      g_strconcat ("<html><head></head>", links, "<meta charset=windows-1251><title>\xc0\xc1</title>", NULL),
      "\xc3\x80\xc3\x81", NULL },
    { "meta_body_text_1024",
      g_strconcat ("<body>", text1100, "<meta charset=windows-1251><title>\xc0\xc1</title>", NULL),
      "\xc3\x80\xc3\x81", NULL },
    { "meta_body_text_900",
      g_strconcat ("<body>", text900, "<meta charset=windows-1251><title>\xc0\xc1</title>", NULL),
      "\xd0\x90\xd0\x91", "windows-1251" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      check_encoding_case (cases[i].name, cases[i].html, strlen (cases[i].html), "text/html",
                           cases[i].title, cases[i].encoding, META);
      g_free (cases[i].html);
    }
}

/* One sample title per legacy encoding, in characters that encoding has. */
typedef struct
{
  const char *encoding;
  const char *title;
  gboolean    detectable;  /* uchardet 0.0.7 names it (or an equivalent) */
} LegacySample;

/* Every legacy encoding of the Encoding Standard. glibc's iconv has them all
 * but x-user-defined and replacement (decoded by hand, and tested above); the
 * iconv names used are in gleaner-encoding.c (CP932 for Shift_JIS, CP949 for
 * EUC-KR, GB18030 for GBK, BIG5-HKSCS, EUC-JP-MS, ISO-2022-JP-3, ...). */
static const LegacySample legacy_samples[] = {
  { "IBM866", "Новости дня: погода в Москве и курс рубля", TRUE },
  { "ISO-8859-2", "Zażółć gęślą jaźń - Příliš žluťoučký kůň úpěl", FALSE },
  { "ISO-8859-3", "Ĉu vi parolas Esperanton? Ĝis revido, ŝatata ĥoro", TRUE },
  { "ISO-8859-4", "Latviešu valoda: ģimene, ķēķis, ļoti, ņemt", TRUE },
  { "ISO-8859-5", "Новости дня: погода в Москве и курс рубля", TRUE },
  { "ISO-8859-6", "الأخبار العاجلة من العالم العربي", TRUE },
  { "ISO-8859-7", "Ειδήσεις από την Ελλάδα και τον κόσμο", TRUE },
  { "ISO-8859-8", "חדשות מישראל ומהעולם", FALSE },
  { "ISO-8859-8-I", "חדשות מישראל ומהעולם", FALSE },
  { "ISO-8859-10", "Sámegiella: čáppa, đuolla, ŋuolga, ŧ", FALSE },
  { "ISO-8859-13", "Lietuvių kalba: ąčęėįšųūž Ąčęėįšųūž", FALSE },
  { "ISO-8859-14", "Newyddion Cymru: ŵyr, ŷd, Ẁ ẃ", FALSE },
  { "ISO-8859-15", "Café crème brûlée, œuvre à 5 €", TRUE },
  { "ISO-8859-16", "Știri din România: țară, școală, învățământ", TRUE },
  { "KOI8-R", "Новости дня: погода в Москве и курс рубля", TRUE },
  { "KOI8-U", "Новини дня: погода в Києві та курс гривні", FALSE },
  { "macintosh", "Café crème brûlée — à la française", FALSE },
  { "windows-874", "ข่าววันนี้ ประเทศไทย", TRUE },
  { "windows-1250", "Zażółć gęślą jaźń – Příliš žluťoučký kůň", FALSE },
  { "windows-1251", "Новости дня: погода в Москве и курс рубля", TRUE },
  { "windows-1252", "Café crème brûlée — “à la française”", TRUE },
  { "windows-1253", "Ειδήσεις από την Ελλάδα και τον κόσμο", TRUE },
  { "windows-1254", "Türkçe haberler: İstanbul’da güneşli bir gün", TRUE },
  { "windows-1255", "חדשות מישראל ומהעולם", FALSE },
  { "windows-1256", "الأخبار العاجلة من العالم العربي", TRUE },
  { "windows-1257", "Lietuvių kalba: ąčęėįšųūž Ąčęėįšųūž", FALSE },
  { "windows-1258", "ĐÀ ĂN ƯA Ô Ê Â đà ăn ưa ơ", FALSE },
  { "x-mac-cyrillic", "Новости дня: погода в Москве и курс рубля", TRUE },
  { "GBK", "新闻中心：今日要闻与国际动态", TRUE },
  { "gb18030", "新闻中心：今日要闻与国际动态", TRUE },
  { "Big5", "新聞中心：今日要聞與國際動態", TRUE },
  { "EUC-JP", "日本語のニュース：今日の天気と経済", TRUE },
  { "ISO-2022-JP", "日本語のニュース：今日の天気と経済", TRUE },
  { "Shift_JIS", "日本語のニュース：今日の天気と経済ｱｲｳ", TRUE },
  { "EUC-KR", "오늘의 뉴스와 날씨 정보", TRUE },
};

static char *
encode_page (const char            *head,
             const char            *title,
             const GleanerEncoding *encoding,
             gsize                 *len)
{
  g_autofree char *html = g_strdup_printf ("<html><head>%s<title>%s</title></head>"
                                           "<body><p>%s</p><p>%s</p></body></html>",
                                           head, title, title, title);
  const char *iconv_name = encoding->iconv_name;
  g_autoptr(GError) error = NULL;
  char *out;

  /* Encoders: the decoders' converters, except that ISO-2022-JP-3 would write
   * JIS X 0213 escapes a WHATWG decoder rejects. */
  if (strcmp (encoding->name, "ISO-2022-JP") == 0)
    iconv_name = "ISO-2022-JP";
  out = g_convert (html, -1, iconv_name, "UTF-8", NULL, len, &error);
  g_assert_no_error (error);
  return out;
}

static void
test_encoding_legacy (void)
{
  g_test_summary ("A page in every legacy WHATWG encoding, declared by header, "
                  "<meta charset>, <meta http-equiv>, or not at all (uchardet)");

  for (guint i = 0; i < G_N_ELEMENTS (legacy_samples); i++)
    {
      const LegacySample *sample = &legacy_samples[i];
      const GleanerEncoding *encoding = gleaner_encoding_for_name (sample->encoding);
      g_autofree char *meta_charset = g_strdup_printf ("<meta charset=\"%s\">", sample->encoding);
      g_autofree char *meta_pragma = g_strdup_printf ("<meta http-equiv=\"Content-Type\" "
                                                      "content=\"text/html; charset=%s\">",
                                                      sample->encoding);
      g_autofree char *header = g_strdup_printf ("text/html; charset=%s", sample->encoding);
      g_autofree char *plain = NULL, *with_charset = NULL, *with_pragma = NULL;
      gsize plain_len, charset_len, pragma_len;

      g_test_message ("encoding %s", sample->encoding);
      g_assert_nonnull (encoding);
      plain = encode_page ("", sample->title, encoding, &plain_len);
      with_charset = encode_page (meta_charset, sample->title, encoding, &charset_len);
      with_pragma = encode_page (meta_pragma, sample->title, encoding, &pragma_len);
      /* Otherwise the UTF-8 policy would decide (ISO-2022-JP is 7-bit). */
      if (encoding->ascii_compatible)
        g_assert_false (g_utf8_validate_len (plain, plain_len, NULL));

      check_encoding_case ("header", plain, plain_len, header, sample->title,
                           sample->encoding, HEADER);
      check_encoding_case ("meta charset", with_charset, charset_len, "text/html",
                           sample->title, sample->encoding, META);
      check_encoding_case ("meta http-equiv", with_pragma, pragma_len, "text/html",
                           sample->title, sample->encoding, META);
      if (sample->detectable)
        {
          g_autoptr(GleanerPageFacts) facts = parse (plain, plain_len, "text/html",
                                                     GLEANER_FIELD_TITLE);

          g_assert_cmpstr (facts->title, ==, sample->title);
          g_assert_cmpint (facts->encoding_source, ==, DETECTED);
        }
    }
}

static void
test_encoding_bom (void)
{
  const char *title = "Ünïcödé ✓ 日本 😀";
  const char *forms[] = { "UTF-8", "UTF-16LE", "UTF-16BE" };
  const char *boms[] = { "\xEF\xBB\xBF", "\xFF\xFE", "\xFE\xFF" };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *html = g_strdup_printf ("<title> %s </title>", title);
      g_autofree char *encoded = NULL;
      g_autoptr(GString) page = g_string_new (boms[i]);
      gsize len;

      encoded = g_convert (html, -1, forms[i], "UTF-8", NULL, &len, NULL);
      g_assert_nonnull (encoded);
      g_string_append_len (page, encoded, len);
      /* The BOM beats both the header and a <meta>. */
      check_encoding_case (forms[i], page->str, page->len, "text/html; charset=koi8-r", title,
                           forms[i], BOM);
    }
}

static void
test_encoding_detection (void)
{
  /* uchardet names ISO-2022-KR here, which a browser would never pick (it is
   * the replacement encoding): the default, windows-1252, applies. */
  check_encoding_case ("rejected guess",
                       LIT ("\x1b$)C<html><title>\x0e\x30\x21\x0f news</title><p>\x0e\x30\x21\x30\x22\x0f</p>"),
                       "text/html", "0! news", "windows-1252", DEFAULT);
  /* 7-bit ISO-2022-JP without a label is guessed too */
  check_encoding_case ("iso-2022-jp",
                       LIT ("<html><title>\x1b$BF|K\\8l\x1b(B</title><p>\x1b$BF|K\\8l$N%K%e!<%9\x1b(B</p>"),
                       "text/html", "日本語", "ISO-2022-JP", DETECTED);
}

static void
test_encoding_labels (void)
{
  struct
  {
    const char *label;
    const char *encoding;
  } cases[] = {
    { "latin1", "windows-1252" }, { "iso-8859-1", "windows-1252" },
    { "us-ascii", "windows-1252" }, { "ascii", "windows-1252" },
    { "ISO_8859-1:1987", "windows-1252" }, { " \tLatin1\n ", "windows-1252" },
    { "gb2312", "GBK" }, { "chinese", "GBK" }, { "x-gbk", "GBK" }, { "gb18030", "gb18030" },
    { "x-sjis", "Shift_JIS" }, { "ms_kanji", "Shift_JIS" }, { "windows-31j", "Shift_JIS" },
    { "iso-8859-9", "windows-1254" }, { "tis-620", "windows-874" },
    { "iso-8859-11", "windows-874" }, { "ks_c_5601-1987", "EUC-KR" },
    { "windows-949", "EUC-KR" }, { "big5-hkscs", "Big5" }, { "x-mac-ukrainian", "x-mac-cyrillic" },
    { "koi8-ru", "KOI8-U" }, { "logical", "ISO-8859-8-I" }, { "visual", "ISO-8859-8" },
    { "utf8", "UTF-8" }, { "unicode-1-1-utf-8", "UTF-8" }, { "unicode", "UTF-16LE" },
    { "utf-16", "UTF-16LE" }, { "unicodefffe", "UTF-16BE" }, { "hz-gb-2312", "replacement" },
    { "iso-2022-kr", "replacement" }, { "x-user-defined", "x-user-defined" },
  };
  const char *unknown[] = { "", " ", "bogus", "utf-32", "cp936", "iso-8859-12", "x-mac-greek",
                            "latin-1", "utf 8", "windows-1252x", "averyveryverylonglabelname" };
  const char *previous = NULL;
  const GleanerEncoding *encoding;
  const char *label;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      encoding = gleaner_encoding_for_label (cases[i].label, -1);
      g_assert_nonnull (encoding);
      g_assert_cmpstr (encoding->name, ==, cases[i].encoding);
    }
  for (i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_null (gleaner_encoding_for_label (unknown[i], -1));

  /* The whole table: sorted (binary search), every label found, in any case,
   * and every encoding named. Checked against Chromium's TextDecoder, which
   * accepts all 222 labels that are not "replacement" ones. */
  for (i = 0; (label = _gleaner_encoding_label_at (i, &encoding)) != NULL; i++)
    {
      g_autofree char *upper = g_ascii_strup (label, -1);

      if (previous != NULL)
        g_assert_cmpint (strcmp (previous, label), <, 0);
      previous = label;
      g_assert_true (gleaner_encoding_for_label (label, -1) == encoding);
      g_assert_true (gleaner_encoding_for_label (upper, -1) == encoding);
      g_assert_true (gleaner_encoding_for_name (encoding->name) == encoding);
    }
  g_assert_cmpuint (i, ==, 228);
}

static void
test_encoding_content_type (void)
{
  struct
  {
    const char *content_type;
    const char *encoding;
  } cases[] = {
    { "text/html; charset=utf-8", "UTF-8" },
    { "text/html;charset=\"koi8-r\"", "KOI8-R" },
    { "text/html; foo=bar; charset=koi8-r", "KOI8-R" },
    { "text/html; CHARSET=KOI8-R", "KOI8-R" },
    { "text/html; charset=koi8-r; charset=utf-8", "KOI8-R" },
    { "text/html; charset=\"k\\oi8-r\"", "KOI8-R" },
    { "text/html; charset=koi8-r ", "KOI8-R" },
    { "text/html; charset=", NULL },
    { "text/html; charset=bogus", NULL },
    { "text/html", NULL },
    { "garbage; charset=koi8-r", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const GleanerEncoding *e = gleaner_encoding_from_content_type (cases[i].content_type);

      g_assert_cmpstr (e != NULL ? e->name : NULL, ==, cases[i].encoding);
    }
}

static void
test_encoding_prescan (void)
{
  g_autofree char *late = NULL;
  g_autofree char *pad = repeat ("<p>", 350);
  struct
  {
    const char *html;
    const char *encoding;
  } cases[] = {
    { "<meta charset=koi8-r>", "KOI8-R" },
    { "<META CHARSET='KOI8-R'>", "KOI8-R" },
    { "<meta/charset=koi8-r>", "KOI8-R" },
    { "<metax charset=koi8-r>", NULL },
    { "<!-- <meta charset=koi8-r> --><meta charset=windows-1251>", "windows-1251" },
    { "<!--><meta charset=koi8-r>", "KOI8-R" },
    { "<!-- unterminated <meta charset=koi8-r>", NULL },
    { "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">", "KOI8-R" },
    { "<meta content=\"text/html; charset=koi8-r\" http-equiv=\"CONTENT-TYPE\">", "KOI8-R" },
    { "<meta content=\"text/html; charset=koi8-r\">", NULL },
    { "<meta http-equiv=refresh content=\"0; charset=koi8-r\">", NULL },
    { "<meta content=\"charset='koi8-r'\" http-equiv=content-type>", "KOI8-R" },
    { "<meta content=\"charset='koi8-r\" http-equiv=content-type>", NULL },
    { "<meta charset=koi8-r charset=windows-1251>", "KOI8-R" },
    { "<meta charset=bogus content=\"text/html; charset=koi8-r\" http-equiv=content-type>", NULL },
    { "<a title=\"<meta charset=koi8-r>\"><meta charset=windows-1251>", "windows-1251" },
    { "</meta charset=koi8-r>", NULL },
    { "<!DOCTYPE html><html><head><meta charset=koi8-r>", "KOI8-R" },
    { "<? <meta charset=koi8-r> ?><meta charset=windows-1251>", "windows-1251" },
    { "<meta charset=utf-16be>", "UTF-8" },
    { "<meta charset=x-user-defined>", "windows-1252" },
    { "<meta charset=\"koi8-r", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const GleanerEncoding *e = gleaner_encoding_prescan ((const guint8 *)cases[i].html,
                                                           strlen (cases[i].html));

      g_test_message ("prescan %s", cases[i].html);
      g_assert_cmpstr (e != NULL ? e->name : NULL, ==, cases[i].encoding);
    }

  /* Only the first 1024 bytes are prescanned. */
  late = g_strconcat (pad, "<meta charset=koi8-r>", NULL);
  g_assert_cmpuint (strlen (pad), >, 1024);
  g_assert_null (gleaner_encoding_prescan ((const guint8 *)late, strlen (late)));
  g_assert_nonnull (gleaner_encoding_prescan ((const guint8 *)late + 350 * 3 - 300,
                                              strlen (late) - (350 * 3 - 300)));
}

static void
test_encoding_meta_content (void)
{
  struct
  {
    const char *content;
    const char *encoding;
  } cases[] = {
    { "text/html; charset=koi8-r", "KOI8-R" },
    { "text/html;charset = koi8-r;x", "KOI8-R" },
    { "text/html; charset='koi8-r' x", "KOI8-R" },
    { "text/html; charset=\"koi8-r", NULL },
    { "text/html; charsetkoi8-r; charset=windows-1251", "windows-1251" },
    { "text/html; charset=", NULL },
    { "text/html", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const GleanerEncoding *e = gleaner_encoding_from_meta_content (cases[i].content,
                                                                     strlen (cases[i].content));

      g_assert_cmpstr (e != NULL ? e->name : NULL, ==, cases[i].encoding);
    }
}

static char *
decode_all (const char *encoding,
            const char *data,
            gsize       len,
            gsize       chunk)
{
  g_autoptr(GleanerDecoder) decoder = gleaner_decoder_new ();
  GString *out = g_string_new (NULL);
  gsize pos = 0;

  gleaner_decoder_reset (decoder, gleaner_encoding_for_name (encoding));
  while (pos < len)
    {
      /* Feed growing windows: an incomplete sequence stays for the next call. */
      gsize end = MIN (len, pos + chunk);
      gsize used = gleaner_decoder_decode (decoder, (const guint8 *)data + pos, end - pos,
                                           end == len, out);

      if (used == 0 && end < len)
        {
          chunk++;
          continue;
        }
      pos += used;
    }
  if (len == 0)
    gleaner_decoder_decode (decoder, (const guint8 *)"", 0, TRUE, out);
  return g_string_free (out, FALSE);
}

static void
test_encoding_decoder (void)
{
  struct
  {
    const char *encoding;
    const char *in;
    gsize len;
    const char *out;
  } cases[] = {
    /* UTF-8: one U+FFFD per maximal ill-formed subpart */
    { "UTF-8", LIT ("a\xe2\x82" "b"), "a\xef\xbf\xbd" "b" },
    { "UTF-8", LIT ("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    { "UTF-8", LIT ("\xf0\x9f\x98"), "\xef\xbf\xbd" },
    { "UTF-8", LIT ("\xc0\xaf\xff"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    { "UTF-8", LIT ("\xf4\x90\x80\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
    /* UTF-16: lone surrogates and an odd byte */
    { "UTF-16LE", LIT ("\x3d\xd8\x00\xde"), "\xf0\x9f\x98\x80" },
    { "UTF-16LE", LIT ("\x3d\xd8" "a\x00"), "\xef\xbf\xbd" "a" },
    { "UTF-16LE", LIT ("\x00\xdc" "a\x00" "b"), "\xef\xbf\xbd" "a\xef\xbf\xbd" },
    { "UTF-16BE", LIT ("\xd8\x3d\xde\x00"), "\xf0\x9f\x98\x80" },
    /* Shift_JIS: an unmapped pair with an ASCII trail byte keeps the ASCII */
    { "Shift_JIS", LIT ("\x82\xa0\x85" "A\xa0\x80"), "\xe3\x81\x82\xef\xbf\xbd" "A\xef\xbf\xbd\xc2\x80" },
    /* EUC-JP: halfwidth katakana, an IBM extension (row 89), a lone C1 byte */
    { "EUC-JP", LIT ("\x8e\xb1\xf9\xa1\x81"), "\xef\xbd\xb1\xe7\xba\x8a\xef\xbf\xbd" },
    { "gb18030", LIT ("\x80\xa3\xa0\xd6\xd0"), "\xe2\x82\xac\xe3\x80\x80\xe4\xb8\xad" },
    { "EUC-KR", LIT ("\xb0\xa1\xff"), "\xea\xb0\x80\xef\xbf\xbd" },
    { "Big5", LIT ("\xa4\xa4\x80"), "\xe4\xb8\xad\xef\xbf\xbd" },
    { "ISO-2022-JP", LIT ("\x1b$B$\"\x1b(B!\x1b(I1"), "\xe3\x81\x82!\xef\xbd\xb1" },
    /* single-byte holes are errors; WHATWG's C1 fill-ins are not */
    { "windows-1252", LIT ("\x81\x80"), "\xc2\x81\xe2\x82\xac" },
    { "windows-1253", LIT ("\xaa"), "\xef\xbf\xbd" },
    { "windows-1255", LIT ("\xca"), "\xd6\xba" },
    { "windows-1258", LIT ("a\xec"), "a\xcc\x81" },
    { "x-user-defined", LIT ("a\x80\xff"), "a\xef\x9e\x80\xef\x9f\xbf" },
    { "replacement", LIT ("abc"), "\xef\xbf\xbd" },
    { "replacement", LIT (""), "" },
  };

  /* NUL is a character like any other */
  {
    g_autofree char *out = decode_all ("UTF-8", "a\0b", 3, 1);

    g_assert_cmpmem (out, 3, "a\0b", 3);
  }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (gsize chunk = 1; chunk <= 8; chunk++)
      {
        g_autofree char *out = decode_all (cases[i].encoding, cases[i].in, cases[i].len, chunk);

        g_test_message ("decode %s #%u in chunks of %" G_GSIZE_FORMAT, cases[i].encoding, i, chunk);
        g_assert_cmpstr (out, ==, cases[i].out);
      }
}

/* ---- content types ---------------------------------------------------------- */

static void
test_content_type_classify (void)
{
  struct
  {
    const char *content_type;
    GleanerContentClass klass;
  } cases[] = {
    { "text/html", GLEANER_CONTENT_HTML },
    { "TEXT/HTML; charset=utf-8", GLEANER_CONTENT_HTML },
    { " text/html ;charset=x", GLEANER_CONTENT_HTML },
    { "application/xhtml+xml", GLEANER_CONTENT_XML },
    { "text/xml", GLEANER_CONTENT_XML },
    { "application/xml; charset=utf-8", GLEANER_CONTENT_XML },
    { "image/svg+xml", GLEANER_CONTENT_XML },
    { "Image/SVG+XML; =;charset", GLEANER_CONTENT_XML },
    { "text/html;charset;x=\"", GLEANER_CONTENT_HTML },
    { "application/rss+xml", GLEANER_CONTENT_XML },
    { "text/plain", GLEANER_CONTENT_OTHER },
    { "text/plain; charset=utf-8", GLEANER_CONTENT_OTHER },
    { "image/png", GLEANER_CONTENT_OTHER },
    { "application/pdf", GLEANER_CONTENT_OTHER },
    { "application/json", GLEANER_CONTENT_OTHER },
    { "text/htmlx", GLEANER_CONTENT_OTHER },
    { "application/xml-dtd", GLEANER_CONTENT_OTHER },
    { NULL, GLEANER_CONTENT_UNKNOWN },
    { "", GLEANER_CONTENT_UNKNOWN },
    { "unknown/unknown", GLEANER_CONTENT_UNKNOWN },
    { "application/unknown", GLEANER_CONTENT_UNKNOWN },
    { "*/*", GLEANER_CONTENT_UNKNOWN },
    { "garbage", GLEANER_CONTENT_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("classify %s", cases[i].content_type);
      g_assert_cmpint (gleaner_title_parser_classify (cases[i].content_type), ==, cases[i].klass);
    }
}

static void
test_content_type_sniff (void)
{
  struct
  {
    const char *body;
    GleanerContentClass klass;
  } cases[] = {
    { "<!DOCTYPE html><title>x</title>", GLEANER_CONTENT_HTML },
    { " \n\t<html>", GLEANER_CONTENT_HTML },
    { "<HEAD>", GLEANER_CONTENT_HTML },
    { "<script src=x>", GLEANER_CONTENT_HTML },
    { "<title>x", GLEANER_CONTENT_HTML },
    { "<p>x", GLEANER_CONTENT_HTML },
    { "<b>x", GLEANER_CONTENT_HTML },
    { "<br>", GLEANER_CONTENT_HTML },
    { "<!-- x -->", GLEANER_CONTENT_HTML },
    { "<pre>x", GLEANER_CONTENT_OTHER },
    { "<htmlx>", GLEANER_CONTENT_OTHER },
    { "<?xml version=\"1.0\"?><a/>", GLEANER_CONTENT_XML },
    { "%PDF-1.4", GLEANER_CONTENT_OTHER },
    { "{\"title\": \"<title>\"}", GLEANER_CONTENT_OTHER },
    { "Just text", GLEANER_CONTENT_OTHER },
    { "\xef\xbb\xbf<html>", GLEANER_CONTENT_OTHER },
    { "", GLEANER_CONTENT_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("sniff %s", cases[i].body);
      g_assert_cmpint (gleaner_title_parser_sniff ((const guint8 *)cases[i].body,
                                                   strlen (cases[i].body)), ==, cases[i].klass);
    }
}

static void
test_content_type_not_html (void)
{
  const char *types[] = { "text/plain", "application/json", "image/png", "application/pdf" };
  const char *body = "<html><head><title>Not a page</title></head></html>";

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GleanerPageFacts) facts = parse (body, strlen (body), types[i], GLEANER_FIELDS_ALL);

      g_assert_false (facts->has_title);
      g_assert_cmpstr (facts->title, ==, "");
      g_assert_null (facts->encoding);
      g_assert_cmpint (facts->encoding_source, ==, NONE);
      g_assert_null (facts->description);
      g_assert_null (facts->h1);
    }
}

/* ---- XML ------------------------------------------------------------------- */

static void
test_xml (void)
{
  struct
  {
    const char *name;
    const char *content_type;
    const char *body;
    int has_title;  /* -1: either (libxml2's entity limits decide) */
    const char *title;
    const char *encoding;
  } cases[] = {
    { "xhtml", "application/xhtml+xml",
      "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head>"
      "<title>\n  XHTML  &amp; &#x41;<![CDATA[ <b> ]]></title></head><body/></html>",
      TRUE, "XHTML & A <b>", "UTF-8" },
    { "malformed", "application/xhtml+xml",
      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>Broken</title></head><body><p></body></html>",
      FALSE, "", "UTF-8" },
    { "svg-title-skipped", "application/xhtml+xml",
      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><svg xmlns=\"http://www.w3.org/2000/svg\">"
      "<title>Icon</title></svg><title>Real</title></body></html>",
      TRUE, "Real", "UTF-8" },
    { "svg-document", "image/svg+xml",
      "<svg xmlns=\"http://www.w3.org/2000/svg\"><g><title>Inner</title></g><title> Drawing </title></svg>",
      TRUE, "Drawing", "UTF-8" },
    { "no-namespace", "application/rss+xml",
      "<rss version=\"2.0\"><channel><title>A Feed</title><item><title>Item</title></item></channel></rss>",
      TRUE, "A Feed", "UTF-8" },
    { "other-namespace", "application/xml",
      "<doc xmlns=\"urn:x\"><title>Not HTML</title></doc>",
      FALSE, "", "UTF-8" },
    { "xml-declaration", "text/xml",
      "<?xml version=\"1.0\" encoding=\"windows-1251\"?><html><title>\xc0\xc1</title></html>",
      TRUE, "\xd0\x90\xd0\x91", "windows-1251" },
    { "header-charset", "application/xml; charset=koi8-r",
      "<html><title>\xc0\xc1</title></html>",
      TRUE, "\xd1\x8e\xd0\xb0", "KOI8-R" },
    { "xhtml-entities", "application/xhtml+xml",
      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
      "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>a&nbsp;b&mdash;c</title></head></html>",
      TRUE, "a\xc2\xa0" "b\xe2\x80\x94" "c", "UTF-8" },
    { "internal-entity", "application/xml",
      "<!DOCTYPE html [<!ENTITY co \"Company\">]><html><title>&co; news</title></html>",
      TRUE, "Company news", "UTF-8" },
    { "entity-bomb", "application/xml",
      "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
      "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">]>"
      "<x><title>&f;</title></x>",
      -1, NULL, "UTF-8" },
    { "external-dtd", "application/xml",
      "<!DOCTYPE x SYSTEM \"http://127.0.0.1:1/none.dtd\"><x><title>Offline</title></x>",
      TRUE, "Offline", "UTF-8" },
    { "empty", "application/xml", "", FALSE, "", "UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GleanerPageFacts) facts = NULL;

      g_test_message ("xml %s", cases[i].name);
      facts = parse (cases[i].body, strlen (cases[i].body), cases[i].content_type,
                     GLEANER_FIELD_TITLE);
      if (cases[i].has_title >= 0)
        g_assert_cmpint (facts->has_title, ==, cases[i].has_title);
      if (cases[i].title != NULL)
        g_assert_cmpstr (facts->title, ==, cases[i].title);
      g_assert_true (g_utf8_validate (facts->title, -1, NULL));
      g_assert_cmpstr (facts->encoding, ==, cases[i].encoding);
    }
}

static void
test_xml_facts (void)
{
  const char *body =
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"de-AT\"><head><title>T</title>"
    "<meta name=\"Description\" content=\" An  XHTML \n page \"/>"
    "<meta property=\"og:title\" content=\"OG\"/><meta name=\"og:site_name\" content=\"Site\"/>"
    "<link rel=\"canonical\" href=\"/c?x=1\"/></head>"
    "<body><h1>Big <em>news</em></h1></body></html>";
  g_autoptr(GleanerPageFacts) facts = parse (body, strlen (body), "application/xhtml+xml",
                                             GLEANER_FIELDS_ALL);

  g_assert_cmpstr (facts->title, ==, "T");
  g_assert_cmpstr (facts->description, ==, "An XHTML page");
  g_assert_cmpstr (facts->og_title, ==, "OG");
  g_assert_cmpstr (facts->og_site_name, ==, "Site");
  g_assert_cmpstr (facts->canonical, ==, "https://example.com/c?x=1");
  g_assert_cmpstr (facts->lang, ==, "de-AT");
  g_assert_cmpstr (facts->h1, ==, "Big news");
}

/* ---- page facts -------------------------------------------------------------- */

static void
test_facts (void)
{
  const char *page =
    "<!DOCTYPE html><html lang=\" en-GB \"><head>"
    "<meta charset=utf-8>"
    "<meta name=\"DESCRIPTION\" content=\"  First\n  description &amp; more  \">"
    "<meta name=\"description\" content=\"second\">"
    "<meta property=\"og:title\" content=\"The &lt;OG&gt; title\">"
    "<meta name=\"og:site_name\" content=\"Example&nbsp;Site\">"
    "<base href=\"/base/\">"
    "<link rel=\"alternate CANONICAL\" href=\" ../Canon Page?q=é#top \">"
    "<title>Page</title>"
    "</head><body>"
    "<meta name=description content=\"in body\">"
    "<div><h1 class=x>Hello <b>big</b> &amp;\n <i>bold</i><template>not</template>"
    "<svg><text>svg</text></svg> world</div>"
    "<h1>second</h1>";
  g_autoptr(GleanerPageFacts) facts = parse (page, strlen (page), "text/html", GLEANER_FIELDS_ALL);
  g_autoptr(GleanerPageFacts) title_only = parse (page, strlen (page), "text/html",
                                                  GLEANER_FIELD_TITLE);

  g_assert_cmpstr (facts->title, ==, "Page");
  g_assert_cmpstr (facts->description, ==, "First description & more");
  g_assert_cmpstr (facts->og_title, ==, "The <OG> title");
  g_assert_cmpstr (facts->og_site_name, ==, "Example\xc2\xa0Site");
  g_assert_cmpstr (facts->canonical, ==, "https://example.com/Canon%20Page?q=%C3%A9#top");
  g_assert_cmpstr (facts->lang, ==, "en-GB");
  /* descendant text; the h1 ends with the </div> of its parent */
  g_assert_cmpstr (facts->h1, ==, "Hello big & boldsvg world");
  g_assert_cmpstr (facts->encoding, ==, "UTF-8");

  g_assert_null (title_only->description);
  g_assert_null (title_only->og_title);
  g_assert_null (title_only->canonical);
  g_assert_null (title_only->lang);
  g_assert_null (title_only->h1);
}

static void
test_facts_details (void)
{
  struct
  {
    const char *html;
    gsize len;
    GleanerFields field;
    const char *expected;
  } cases[] = {
    /* attribute values: legacy references before '=' or alphanumerics stay */
    { LIT ("<meta name=description content=\"a&ampb &amp=c &copy &copy;d &notit;\">"),
      GLEANER_FIELD_DESCRIPTION, "a&ampb &amp=c \xc2\xa9 \xc2\xa9" "d &notit;" },
    { LIT ("<meta name=description content=\"x\0y\">"), GLEANER_FIELD_DESCRIPTION, "x\xef\xbf\xbdy" },
    { LIT ("<meta name=description>"), GLEANER_FIELD_DESCRIPTION, NULL },
    { LIT ("<meta name=description content=\"\">"), GLEANER_FIELD_DESCRIPTION, "" },
    { LIT ("<body><meta name=description content=late>"), GLEANER_FIELD_DESCRIPTION, NULL },
    { LIT ("<title>t</title>text<meta name=description content=late>"), GLEANER_FIELD_DESCRIPTION, NULL },
    { LIT ("<noscript><meta name=description content=ns></noscript>"), GLEANER_FIELD_DESCRIPTION, "ns" },
    { LIT ("<template><meta name=description content=tpl></template><meta name=description content=real>"),
      GLEANER_FIELD_DESCRIPTION, "real" },
    { LIT ("<meta property=og:title content=a><meta name=og:title content=b>"), GLEANER_FIELD_OG_TITLE, "a" },
    { LIT ("<meta name=OG:SITE_NAME content=s>"), GLEANER_FIELD_OG_SITE_NAME, "s" },
    { LIT ("<link rel=canonical href=\"https://Example.ORG:443/a/../b\">"), GLEANER_FIELD_CANONICAL,
      "https://example.org/b" },
    { LIT ("<link rel=canonical href=\"javascript:alert(1)\">"), GLEANER_FIELD_CANONICAL, NULL },
    { LIT ("<link rel=canonical href=\"mailto:x@example.com\">"), GLEANER_FIELD_CANONICAL, NULL },
    { LIT ("<link rel=canonical href=\"//cdn.example.net/p\">"), GLEANER_FIELD_CANONICAL,
      "https://cdn.example.net/p" },
    { LIT ("<link rel=canonical href=\"\">"), GLEANER_FIELD_CANONICAL, "https://example.com/dir/page.html" },
    { LIT ("<link rel=canonicalx href=/x>"), GLEANER_FIELD_CANONICAL, NULL },
    { LIT ("<link rel=canonical><link rel=canonical href=/second>"), GLEANER_FIELD_CANONICAL,
      "https://example.com/second" },
    { LIT ("<html><html lang=fr>"), GLEANER_FIELD_LANG, "fr" },
    { LIT ("<html lang=de><html lang=fr>"), GLEANER_FIELD_LANG, "de" },
    { LIT ("<p>x</p><html lang=fr>"), GLEANER_FIELD_LANG, NULL },
    { LIT ("<h1>a</h2>b"), GLEANER_FIELD_H1, "a" },
    { LIT ("<h1>a<h2>b</h2>"), GLEANER_FIELD_H1, "a" },
    { LIT ("<h1>a<p>b</p>c</h1>d"), GLEANER_FIELD_H1, "abc" },
    { LIT ("<h1>a<span>b</h1>c"), GLEANER_FIELD_H1, "ab" },
    { LIT ("<h1>a<script>x</script>b</h1>"), GLEANER_FIELD_H1, "axb" },
    { LIT ("<h1>unclosed"), GLEANER_FIELD_H1, "unclosed" },
    { LIT ("<h1></h1>"), GLEANER_FIELD_H1, "" },
    { LIT ("<template><h1>t</h1></template><h1>real</h1>"), GLEANER_FIELD_H1, "real" },
    { LIT ("<svg><h1>breaks out</h1></svg>"), GLEANER_FIELD_H1, "breaks out" },
    { LIT ("<p>none"), GLEANER_FIELD_H1, NULL },
    { LIT ("<h1>a &lt;&#66;&gt;\0 c</h1>"), GLEANER_FIELD_H1, "a <B> c" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GleanerPageFacts) facts = NULL;
      const char *value = NULL;

      facts = parse (cases[i].html, cases[i].len, "text/html", cases[i].field);
      switch (cases[i].field)
        {
        case GLEANER_FIELD_DESCRIPTION: value = facts->description; break;
        case GLEANER_FIELD_OG_TITLE: value = facts->og_title; break;
        case GLEANER_FIELD_OG_SITE_NAME: value = facts->og_site_name; break;
        case GLEANER_FIELD_CANONICAL: value = facts->canonical; break;
        case GLEANER_FIELD_LANG: value = facts->lang; break;
        case GLEANER_FIELD_H1: value = facts->h1; break;
        case GLEANER_FIELD_NONE:
        case GLEANER_FIELD_TITLE:
        default: g_assert_not_reached ();
        }
      g_test_message ("facts #%u %s", i, cases[i].html);
      g_assert_cmpstr (value, ==, cases[i].expected);
    }
}

static void
test_facts_no_base_url (void)
{
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();
  const char *rel = "<link rel=canonical href=/relative>";
  const char *abs = "<link rel=canonical href=\"http://example.com/abs\">";
  g_autoptr(GleanerPageFacts) a = gleaner_title_parser_parse (parser, (const guint8 *)rel,
                                                               strlen (rel), "text/html", NULL,
                                                               GLEANER_FIELD_CANONICAL);
  g_autoptr(GleanerPageFacts) b = gleaner_title_parser_parse (parser, (const guint8 *)abs,
                                                               strlen (abs), "text/html", NULL,
                                                               GLEANER_FIELD_CANONICAL);

  g_assert_null (a->canonical);
  g_assert_cmpstr (b->canonical, ==, "http://example.com/abs");
}

/* ---- prefix_is_enough ----------------------------------------------------------- */

static gboolean
facts_equal (const GleanerPageFacts *a,
             const GleanerPageFacts *b)
{
  return a->has_title == b->has_title && g_strcmp0 (a->title, b->title) == 0 &&
         g_strcmp0 (a->description, b->description) == 0 &&
         g_strcmp0 (a->og_title, b->og_title) == 0 &&
         g_strcmp0 (a->og_site_name, b->og_site_name) == 0 &&
         g_strcmp0 (a->canonical, b->canonical) == 0 && g_strcmp0 (a->lang, b->lang) == 0 &&
         g_strcmp0 (a->h1, b->h1) == 0;
}

/* Whenever prefix_is_enough() says TRUE, the prefix gives the same facts. */
static guint
check_prefix_property (const char    *data,
                       gsize          len,
                       const char    *content_type,
                       GleanerFields  fields)
{
  g_autoptr(GleanerPageFacts) whole = parse (data, len, content_type, fields);
  guint n_enough = 0;

  for (gsize l = 1; l <= len; l++)
    if (gleaner_title_parser_prefix_is_enough ((const guint8 *)data, l, content_type, fields))
      {
        g_autoptr(GleanerPageFacts) part = parse (data, l, content_type, fields);

        if (!facts_equal (part, whole))
          g_error ("prefix of %" G_GSIZE_FORMAT " bytes said enough, but title \"%s\" != \"%s\"",
                   l, part->title, whole->title);
        n_enough++;
      }
  return n_enough;
}

static void
test_prefix_is_enough (void)
{
  g_autofree char *filler = repeat ("<p>body text</p>", 20);
  g_autofree char *page = g_strconcat ("<html><head><title>Title</title>"
                                       "<meta name=description content=d></head><body>"
                                       "<h1>Head</h1>", filler, NULL);
  g_autofree char *cp1251 = g_strconcat ("<title>\xc0\xc1</title>", filler, NULL);
  g_autofree char *ascii_title = g_strconcat ("<title>ASCII</title>", filler, "\xc0", NULL);
  g_autofree char *unclosed = g_strconcat ("<title>Unclosed", filler, NULL);
  gsize len = strlen (page);

  g_assert_true (gleaner_title_parser_prefix_is_enough ((const guint8 *)page, len, "text/html",
                                                        GLEANER_FIELD_TITLE));
  g_assert_false (gleaner_title_parser_prefix_is_enough ((const guint8 *)page, 20, "text/html",
                                                         GLEANER_FIELD_TITLE));
  g_assert_false (gleaner_title_parser_prefix_is_enough ((const guint8 *)page, 0, "text/html",
                                                         GLEANER_FIELD_TITLE));
  /* XML needs the whole document */
  g_assert_false (gleaner_title_parser_prefix_is_enough ((const guint8 *)page, len,
                                                         "application/xhtml+xml",
                                                         GLEANER_FIELD_TITLE));
  /* an unclosed title runs to the end of the input */
  g_assert_false (gleaner_title_parser_prefix_is_enough ((const guint8 *)unclosed,
                                                         strlen (unclosed), "text/html",
                                                         GLEANER_FIELD_TITLE));
  /* a declared legacy encoding whose bytes cannot be UTF-8 is certain */
  g_assert_true (gleaner_title_parser_prefix_is_enough ((const guint8 *)cp1251, strlen (cp1251),
                                                        "text/html; charset=windows-1251",
                                                        GLEANER_FIELD_TITLE));
  /* undeclared: a non-ASCII title waits for all the bytes, an ASCII one need not */
  g_assert_false (gleaner_title_parser_prefix_is_enough ((const guint8 *)cp1251, strlen (cp1251),
                                                         "text/html", GLEANER_FIELD_TITLE));
  g_assert_true (gleaner_title_parser_prefix_is_enough ((const guint8 *)ascii_title,
                                                        strlen (ascii_title), "text/html",
                                                        GLEANER_FIELD_TITLE));

  check_prefix_property (page, len, "text/html", GLEANER_FIELD_TITLE);
  check_prefix_property (page, len, "text/html", GLEANER_FIELDS_ALL);
  check_prefix_property (cp1251, strlen (cp1251), "text/html; charset=windows-1251",
                         GLEANER_FIELD_TITLE);
  check_prefix_property (ascii_title, strlen (ascii_title), "text/html", GLEANER_FIELDS_ALL);

  /* UTF-16: certain with a BOM; declared by the header only, the bytes could
   * still turn out to be UTF-8 (the policy), which reads them differently. */
  {
    gsize u16_len;
    g_autofree char *u16 = g_convert (page, -1, "UTF-16LE", "UTF-8", NULL, &u16_len, NULL);
    g_autoptr(GString) with_bom = g_string_new ("\xff\xfe");

    g_string_append_len (with_bom, u16, u16_len);
    g_assert_cmpuint (check_prefix_property (with_bom->str, with_bom->len, "text/html",
                                             GLEANER_FIELD_TITLE), >, 0);
    g_assert_cmpuint (check_prefix_property (u16, u16_len, "text/html; charset=utf-16le",
                                             GLEANER_FIELD_TITLE), ==, 0);
  }
}

/* check_prefix() on one reused parser says what prefix_is_enough() says for
 * every prefix of @data, and its facts are parse()'s for the same bytes.
 * Returns how many prefixes were enough. */
static guint
check_prefix_facts (GleanerTitleParser *reused,
                    const char         *data,
                    gsize               len,
                    const char         *content_type,
                    GleanerFields       fields)
{
  const char *base_url = "https://example.com/dir/page.html";
  guint n_enough = 0;

  for (gsize l = 0; l <= len; l++)
    {
      g_autoptr(GleanerPageFacts) facts = NULL;
      gboolean enough = gleaner_title_parser_check_prefix (reused, (const guint8 *)data, l,
                                                           content_type, base_url, fields, &facts);

      g_assert_cmpint (enough, ==, gleaner_title_parser_prefix_is_enough ((const guint8 *)data, l,
                                                                          content_type, fields));
      if (enough)
        {
          g_autoptr(GleanerPageFacts) parsed = parse (data, l, content_type, fields);

          g_assert_nonnull (facts);
          g_assert_true (facts_equal (facts, parsed));
          g_assert_cmpstr (facts->encoding, ==, parsed->encoding);
          g_assert_cmpint (facts->encoding_source, ==, parsed->encoding_source);
          n_enough++;
        }
      else
        {
          g_assert_null (facts);
        }
    }
  return n_enough;
}

static void
test_check_prefix (void)
{
  g_autoptr(GleanerTitleParser) reused = gleaner_title_parser_new ();
  g_autofree char *filler = repeat ("<p>body text</p>", 8);
  g_autofree char *page = g_strconcat ("<html lang=de><head><title>Title &amp; more</title>"
                                       "<link rel=canonical href=\"../c.html\">"
                                       "<meta name=description content=d></head><body>"
                                       "<h1>Head</h1>", filler, NULL);
  g_autofree char *cp1251 = g_strconcat ("<title>\xc0\xc1</title>", filler, NULL);
  g_autofree char *xml = g_strconcat ("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">"
                                      "<head><title>X</title></head><body>", filler,
                                      "</body></html>", NULL);

  g_test_summary ("A fetch worker's own parser decides as prefix_is_enough() does, and "
                  "the facts it hands on are exactly what the parser thread would find");

  g_assert_cmpuint (check_prefix_facts (reused, page, strlen (page), "text/html",
                                        GLEANER_FIELD_TITLE), >, 0);
  g_assert_cmpuint (check_prefix_facts (reused, page, strlen (page), "text/html; charset=utf-8",
                                        GLEANER_FIELDS_ALL), >, 0);
  g_assert_cmpuint (check_prefix_facts (reused, cp1251, strlen (cp1251),
                                        "text/html; charset=windows-1251", GLEANER_FIELD_TITLE), >, 0);
  check_prefix_facts (reused, cp1251, strlen (cp1251), NULL, GLEANER_FIELD_TITLE);
  /* XML, declared or sniffed, never stops early */
  g_assert_cmpuint (check_prefix_facts (reused, xml, strlen (xml), "application/xhtml+xml",
                                        GLEANER_FIELD_TITLE), ==, 0);
  g_assert_cmpuint (check_prefix_facts (reused, xml, strlen (xml), NULL, GLEANER_FIELD_TITLE), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (html_cases); i++)
    check_prefix_facts (reused, html_cases[i].html, html_cases[i].len, "text/html",
                        GLEANER_FIELDS_ALL);
}

static void
test_prefix_property_cases (void)
{
  /* Every table case, every prefix length, title only and all fields. */
  for (guint i = 0; i < G_N_ELEMENTS (html_cases); i++)
    {
      check_prefix_property (html_cases[i].html, html_cases[i].len, "text/html; charset=utf-8",
                             GLEANER_FIELD_TITLE);
      check_prefix_property (html_cases[i].html, html_cases[i].len, "text/html",
                             GLEANER_FIELDS_ALL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (encoding_cases); i++)
    {
      check_prefix_property (encoding_cases[i].html, encoding_cases[i].len,
                             encoding_cases[i].content_type, GLEANER_FIELD_TITLE);
      check_prefix_property (encoding_cases[i].html, encoding_cases[i].len,
                             encoding_cases[i].content_type, GLEANER_FIELDS_ALL);
    }
}

/* ---- threads and regressions -------------------------------------------------- */

static gpointer
thread_worker (gpointer data)
{
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();
  guint failures = 0;

  for (guint round = 0; round < 20; round++)
    for (guint i = 0; i < G_N_ELEMENTS (encoding_cases); i++)
      {
        const EncodingCase *c = &encoding_cases[i];
        g_autoptr(GleanerPageFacts) facts = NULL;

        facts = gleaner_title_parser_parse (parser, (const guint8 *)c->html, c->len,
                                            c->content_type, NULL, GLEANER_FIELDS_ALL);
        if (g_strcmp0 (facts->title, c->title) != 0)
          failures++;
      }
  return GUINT_TO_POINTER (failures);
}

/* A title longer than a browser keeps is cut at GLEANER_MAX_TEXT_UNITS UTF-16
 * units, never inside a character; XML titles and other facts too. */
static void
test_long_title (void)
{
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();
  const char *pieces[] = { "a", "é", "€", "😀" }; /* 1, 1, 1 and 2 units */

  for (gsize k = 0; k < G_N_ELEMENTS (pieces); k++)
    {
      gsize piece_units = g_utf8_get_char (pieces[k]) > 0xFFFF ? 2 : 1;
      gsize n = 3 * GLEANER_MAX_TEXT_UNITS;
      g_autoptr(GString) page = g_string_new ("<html><head><meta charset=utf-8><title>");
      g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\"?>"
                                             "<html xmlns=\"http://www.w3.org/1999/xhtml\">"
                                             "<head><title>");
      GleanerPageFacts *facts;
      glong units;

      for (gsize i = 0; i < n; i++)
        {
          g_string_append (page, pieces[k]);
          g_string_append (xml, pieces[k]);
        }
      g_string_append (page, "</title><meta name=description content=\"");
      for (gsize i = 0; i < n; i++)
        g_string_append (page, pieces[k]);
      g_string_append (page, "\"></head><body><h1>short</h1>");
      g_string_append (xml, "</title></head></html>");

      facts = gleaner_title_parser_parse (parser, (const guint8 *)page->str, page->len,
                                          "text/html", NULL, GLEANER_FIELDS_ALL);
      g_assert_true (g_utf8_validate (facts->title, -1, NULL));
      g_free (g_utf8_to_utf16 (facts->title, -1, NULL, &units, NULL));
      /* as many whole characters as fit */
      g_assert_cmpint (units, ==, (GLEANER_MAX_TEXT_UNITS / piece_units) * piece_units);
      g_assert_true (g_str_has_prefix (page->str + strlen ("<html><head><meta charset=utf-8><title>"),
                                       facts->title));
      g_assert_cmpuint (strlen (facts->description), ==, strlen (facts->title));
      g_assert_cmpstr (facts->h1, ==, "short");
      gleaner_page_facts_free (facts);

      facts = gleaner_title_parser_parse (parser, (const guint8 *)xml->str, xml->len,
                                          "application/xhtml+xml", NULL, GLEANER_FIELD_TITLE);
      g_free (g_utf8_to_utf16 (facts->title, -1, NULL, &units, NULL));
      g_assert_cmpint (units, ==, (GLEANER_MAX_TEXT_UNITS / piece_units) * piece_units);
      gleaner_page_facts_free (facts);
    }

  /* facts handed on by a prefix check (the fetcher's early stop) are cut too */
  {
    g_autoptr(GString) page = g_string_new ("<html><head><meta charset=utf-8><title>");
    GleanerPageFacts *facts = NULL;

    for (gsize i = 0; i < 2 * GLEANER_MAX_TEXT_UNITS; i++)
      g_string_append_c (page, 'x');
    g_string_append (page, "</title></head><body>");
    for (gsize i = 0; i < 4096; i++)
      g_string_append (page, "<p>more</p>");
    g_assert_true (gleaner_title_parser_check_prefix (parser, (const guint8 *)page->str,
                                                      page->len, "text/html", NULL,
                                                      GLEANER_FIELD_TITLE, &facts));
    g_assert_cmpuint (strlen (facts->title), ==, GLEANER_MAX_TEXT_UNITS);
    gleaner_page_facts_free (facts);
  }

  /* a cut just after a space does not keep the space */
  {
    g_autoptr(GString) page = g_string_new ("<title>");
    GleanerPageFacts *facts;

    for (gsize i = 0; i < GLEANER_MAX_TEXT_UNITS - 1; i++)
      g_string_append_c (page, 'x');
    g_string_append (page, " yyyy</title>");
    facts = gleaner_title_parser_parse (parser, (const guint8 *)page->str, page->len,
                                        "text/html", NULL, GLEANER_FIELD_TITLE);
    g_assert_cmpuint (strlen (facts->title), ==, GLEANER_MAX_TEXT_UNITS - 1);
    g_assert_cmpint (facts->title[strlen (facts->title) - 1], ==, 'x');
    gleaner_page_facts_free (facts);
  }

  /* exactly the limit is kept whole */
  {
    g_autoptr(GString) page = g_string_new ("<title>");
    GleanerPageFacts *facts;

    for (gsize i = 0; i < GLEANER_MAX_TEXT_UNITS; i++)
      g_string_append_c (page, 'x');
    g_string_append (page, "</title>");
    facts = gleaner_title_parser_parse (parser, (const guint8 *)page->str, page->len,
                                        "text/html", NULL, GLEANER_FIELD_TITLE);
    g_assert_cmpuint (strlen (facts->title), ==, GLEANER_MAX_TEXT_UNITS);
    gleaner_page_facts_free (facts);
  }
}

static void
test_threads (void)
{
  GThread *threads[4];

  g_test_summary ("One parser per thread: parsers on several threads at once agree");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("parser", thread_worker, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 0);
}

/* The fuzzer's reading of an input (keep in step with fuzz/fuzz-title-parser.c):
 * byte 0 picks the Content-Type, byte 1 the fields, the rest is the body. */
static const char * const fuzz_content_types[] = {
  "text/html", "text/html; charset=utf-8", "text/html; charset=windows-1252",
  "text/html; charset=shift_jis", "text/html; charset=utf-16le", "application/xhtml+xml",
  "image/svg+xml", NULL, "text/plain", "text/html; charset=gb18030", "text/html; charset=iso-2022-jp",
  "text/html; charset=x-user-defined",
};

static void
check_fuzz_input (const guint8 *data,
                  gsize         len)
{
  const char *content_type;
  GleanerFields fields;
  g_autoptr(GleanerPageFacts) facts = NULL;
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();

  if (len < 2)
    return;
  content_type = fuzz_content_types[data[0] % G_N_ELEMENTS (fuzz_content_types)];
  fields = data[1] & GLEANER_FIELDS_ALL;
  facts = gleaner_title_parser_parse (parser, data + 2, len - 2, content_type,
                                      "https://example.com/", fields);
  g_assert_true (g_utf8_validate (facts->title, -1, NULL));
  if (*facts->title != '\0')
    {
      g_assert_false (g_ascii_isspace (facts->title[0]));
      g_assert_false (g_ascii_isspace (facts->title[strlen (facts->title) - 1]));
    }
  check_prefix_property ((const char *)data + 2, len - 2, content_type, fields);
}

static void
test_regressions (void)
{
  g_autofree char *dir_path = gleaner_test_get_path ("fixtures", "title-parser-regressions", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_test_summary ("Inputs the fuzzer once crashed, hung or leaked on");
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (g_str_has_suffix (name, ".md"))
        continue;
      g_test_message ("regression %s", name);
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      check_fuzz_input ((const guint8 *)data, len);
      n++;
    }
  g_test_message ("%u regression inputs", n);
}

int
main (int   argc,
      char *argv[])
{
  const char *groups[] = { "whitespace", "rcdata", "end-tag", "unclosed", "char-refs/named",
                           "char-refs/numeric", "foreign-content", "template", "position",
                           "markup", "raw-text", "empty" };

  g_test_init (&argc, &argv, NULL);
  gleaner_engine_init ();

  g_test_add_func ("/gleaner/title-parser/new-free", test_new_free);
  g_test_add_func ("/gleaner/title-parser/has-title", test_has_title);
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *path = g_strconcat ("/gleaner/title-parser/", groups[i], NULL);

      g_test_add_data_func (path, groups[i], run_group);
    }
  g_test_add_func ("/gleaner/title-parser/encoding/sniffing", test_encoding_cases);
  g_test_add_func ("/gleaner/title-parser/encoding/meta-position", test_encoding_meta_position);
  g_test_add_func ("/gleaner/title-parser/encoding/legacy", test_encoding_legacy);
  g_test_add_func ("/gleaner/title-parser/encoding/bom", test_encoding_bom);
  g_test_add_func ("/gleaner/title-parser/encoding/detection", test_encoding_detection);
  g_test_add_func ("/gleaner/title-parser/encoding/labels", test_encoding_labels);
  g_test_add_func ("/gleaner/title-parser/encoding/content-type", test_encoding_content_type);
  g_test_add_func ("/gleaner/title-parser/encoding/prescan", test_encoding_prescan);
  g_test_add_func ("/gleaner/title-parser/encoding/meta-content", test_encoding_meta_content);
  g_test_add_func ("/gleaner/title-parser/encoding/decoder", test_encoding_decoder);
  g_test_add_func ("/gleaner/title-parser/content-type/classify", test_content_type_classify);
  g_test_add_func ("/gleaner/title-parser/content-type/sniff", test_content_type_sniff);
  g_test_add_func ("/gleaner/title-parser/content-type/not-html", test_content_type_not_html);
  g_test_add_func ("/gleaner/title-parser/xml", test_xml);
  g_test_add_func ("/gleaner/title-parser/xml/facts", test_xml_facts);
  g_test_add_func ("/gleaner/title-parser/facts", test_facts);
  g_test_add_func ("/gleaner/title-parser/facts/details", test_facts_details);
  g_test_add_func ("/gleaner/title-parser/facts/no-base-url", test_facts_no_base_url);
  g_test_add_func ("/gleaner/title-parser/prefix-is-enough", test_prefix_is_enough);
  g_test_add_func ("/gleaner/title-parser/check-prefix", test_check_prefix);
  g_test_add_func ("/gleaner/title-parser/prefix-is-enough/property", test_prefix_property_cases);
  g_test_add_func ("/gleaner/title-parser/long-title", test_long_title);
  g_test_add_func ("/gleaner/title-parser/threads", test_threads);
  g_test_add_func ("/gleaner/title-parser/regressions", test_regressions);

  return g_test_run ();
}
