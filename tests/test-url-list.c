/* test-url-list.c: tests of GleanerUrlList (pasted text to fetchable URLs)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "gleaner-test-utils.h"
#include "gleaner-url-list.h"

/* ---- helpers -------------------------------------------------------------- */

/* A new list fed with @text. */
static GleanerUrlList *
parse_text (const char *text)
{
  GleanerUrlList *list = gleaner_url_list_new ();

  gleaner_url_list_add_text (list, text, strlen (text));
  return list;
}

/* Takes the URLs of @list and checks them against @expected (NULL-terminated). */
static void
assert_urls (GleanerUrlList     *list,
             const char * const *expected)
{
  g_autoptr(GPtrArray) urls = gleaner_url_list_take_urls (list);
  guint n_expected = g_strv_length ((char **)expected);

  for (guint i = 0; i < MIN (urls->len, n_expected); i++)
    g_assert_cmpstr (g_ptr_array_index (urls, i), ==, expected[i]);
  g_assert_cmpuint (urls->len, ==, n_expected);
}

static void
assert_text_urls (const char         *text,
                  const char * const *expected)
{
  g_autoptr(GleanerUrlList) list = parse_text (text);

  assert_urls (list, expected);
}

/* The single rejection of @text (one line). */
static GleanerRejection *
single_rejection (const char *text,
                  gsize       len)
{
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  g_autoptr(GPtrArray) urls = NULL;
  g_autoptr(GPtrArray) rejections = NULL;

  gleaner_url_list_add_line (list, text, len);
  urls = gleaner_url_list_take_urls (list);
  rejections = gleaner_url_list_take_rejections (list);
  g_assert_cmpuint (urls->len, ==, 0);
  g_assert_cmpuint (rejections->len, ==, 1);
  g_assert_cmpuint (gleaner_url_list_get_n_rejected (list), ==, 1);
  return gleaner_rejection_copy (g_ptr_array_index (rejections, 0));
}

static void
assert_rejected (const char          *line,
                 GleanerRejectReason  reason,
                 const char          *text)
{
  g_autoptr(GleanerRejection) rejection = single_rejection (line, strlen (line));

  g_assert_cmpstr (gleaner_reject_reason_to_string (rejection->reason), ==,
                   gleaner_reject_reason_to_string (reason));
  g_assert_cmpuint (rejection->line, ==, 1);
  g_assert_cmpstr (rejection->text, ==, text);
  g_assert_nonnull (rejection->message);
  g_assert_true (g_utf8_validate (rejection->message, -1, NULL));
  g_assert_cmpuint (strlen (rejection->message), >, 10);
}

/* ---- cases ---------------------------------------------------------------- */

static void
test_create_free (void)
{
  GleanerUrlList *list = gleaner_url_list_new ();
  g_autoptr(GPtrArray) urls = NULL;
  g_autoptr(GPtrArray) rejections = NULL;

  gleaner_url_list_add_line (list, "https://example.org/", 20);
  g_assert_cmpuint (gleaner_url_list_get_n_lines (list), ==, 1);
  g_assert_cmpuint (gleaner_url_list_get_n_urls (list), ==, 1);
  urls = gleaner_url_list_take_urls (list);
  rejections = gleaner_url_list_take_rejections (list);
  g_assert_cmpuint (urls->len, ==, 1);
  g_assert_cmpuint (rejections->len, ==, 0);
  gleaner_url_list_free (list);
  gleaner_url_list_free (NULL);
}

static void
test_plain_list (void)
{
  static const char *expected[] = {
    "https://example.org/",
    "http://example.com/a/b",
    "https://gnome.org/news?year=2024",
    NULL
  };

  assert_text_urls ("https://example.org\n"
                    "  http://example.com/a/b  \n"
                    "\n"
                    "https://gnome.org/news?year=2024\n", expected);
}

static void
test_several_per_line (void)
{
  static const char *expected[] = {
    "https://a.example/",
    "https://b.example/x",
    "https://c.example/",
    "https://d.example/",
    "https://e.example/",
    "https://f.example/",
    NULL
  };

  assert_text_urls ("https://a.example/ and https://b.example/x; also https://c.example\n"
                    "https://d.example/,https://e.example/|https://f.example/\n", expected);
}

static void
test_markdown (void)
{
  static const char *expected[] = {
    "https://md.example/page",
    "https://img.example/logo.png",
    "https://titled.example/",
    "https://ref.example/doc",
    "https://same.example/",
    "https://bold.example/",
    NULL
  };

  assert_text_urls ("See [the page](https://md.example/page) and ![logo](https://img.example/logo.png).\n"
                    "[x](https://titled.example/ \"A title\")\n"
                    "[ref]: https://ref.example/doc\n"
                    "[https://same.example/](https://same.example/)\n"
                    "**https://bold.example/** and [local](docs/readme.md) and [file](CHANGES.md)\n",
                    expected);
}

static void
test_autolinks (void)
{
  static const char *expected[] = {
    "https://auto.example/x",
    "https://auto.example/end.",
    "https://x.example/",
    NULL
  };
  g_autoptr(GleanerUrlList) list = NULL;
  g_autoptr(GPtrArray) rejections = NULL;

  assert_text_urls ("<https://auto.example/x>\n"
                    "Autolink keeps its dot: <https://auto.example/end.>\n"
                    "<https://x.example> <mailto:someone@example.org>\n", expected);

  list = parse_text ("<mailto:someone@example.org>\n");
  rejections = gleaner_url_list_take_rejections (list);
  g_assert_cmpuint (rejections->len, ==, 1);
  g_assert_cmpint (((GleanerRejection *)g_ptr_array_index (rejections, 0))->reason, ==,
                   GLEANER_REJECT_UNSUPPORTED_SCHEME);
}

static void
test_html (void)
{
  static const char *expected[] = {
    "https://h.example/?a=1&b=2",
    "https://img.example/i.png",
    "https://cdn.example/lib.js",
    "https://single.example/q",
    "https://space.example/a%20b",
    "https://unquoted.example/",
    "https://text.example/?x=1&y=2",
    "https://www.relative-ish.example/",
    "https://style.example/bg.png",
    NULL
  };

  assert_text_urls ("<a href=\"https://h.example/?a=1&amp;b=2\">https://h.example/?a=1&amp;b=2</a>\n"
                    "<img src=\"https://img.example/i.png\" alt=\"\">\n"
                    "<script src=\"//cdn.example/lib.js\"></script>\n"
                    "<a href='https://single.example/q'>q</a>\n"
                    "<a href=\"https://space.example/a b\">s</a>\n"
                    "<a href=https://unquoted.example/>u</a>\n"
                    "<p>Text link https://text.example/?x=1&amp;y=2 here</p>\n"
                    "<a href=\"/about\">About</a> <a href=\"#top\">Top</a> <a href=\"www.relative-ish.example\">w</a>\n"
                    "<div style=\"background: url(https://style.example/bg.png)\"></div>\n",
                    expected);
}

static void
test_trailing_punctuation (void)
{
  static const char *expected[] = {
    "https://a.example/page",
    "https://b.example/x",
    "https://c.example/",
    "https://d.example/q?x=1",
    "https://e.example/",
    "https://f.example/g",
    "https://h.example/i",
    "https://j.example/k",
    "https://www.l.example/",
    "https://m.example/n",
    NULL
  };

  assert_text_urls ("Go to https://a.example/page.\n"
                    "Really https://b.example/x!\n"
                    "Or https://c.example, maybe;\n"
                    "What about https://d.example/q?x=1?\n"
                    "\"https://e.example/\"\n"
                    "'https://f.example/g'\n"
                    "(https://h.example/i)\n"
                    "“https://j.example/k”\n"
                    "Visit www.l.example.\n"
                    "Escaped &lt;https://m.example/n&gt; in text\n", expected);
}

static void
test_balanced_parens (void)
{
  static const char *expected[] = {
    "https://en.wikipedia.org/wiki/Foo_(bar)",
    "https://en.wikipedia.org/wiki/Baz_(qux)",
    "https://en.wikipedia.org/wiki/A_(b)_(c)",
    "https://x.example/",
    NULL
  };

  assert_text_urls ("https://en.wikipedia.org/wiki/Foo_(bar)\n"
                    "(see https://en.wikipedia.org/wiki/Baz_(qux)).\n"
                    "[w](https://en.wikipedia.org/wiki/A_(b)_(c))\n"
                    "(https://x.example/)\n", expected);
}

static void
test_host_only (void)
{
  static const char *expected[] = {
    "https://example.org/path",
    "https://www.example.org/",
    "https://example.net/",
    "https://example.com/",
    "https://example.io/",
    "https://example.dev:8443/x",
    "https://in-prose.example/x",
    "https://www.in-prose.example/",
    "https://cdn.example/x.js",
    NULL
  };

  assert_text_urls ("example.org/path\n"
                    "www.example.org\n"
                    "example.net\n"
                    "- example.com\n"
                    "1. \"example.io\",\n"
                    "example.dev:8443/x\n"
                    "Read in-prose.example/x or www.in-prose.example today\n"
                    "//cdn.example/x.js\n", expected);
}

static void
test_prose (void)
{
  g_autoptr(GleanerUrlList) list = NULL;
  g_autoptr(GPtrArray) urls = NULL;
  g_autoptr(GPtrArray) rejections = NULL;

  g_test_summary ("Abbreviations, version numbers, file names and bare host names "
                  "inside sentences are not links");

  list = parse_text ("Use a tool, e.g. curl, version 1.2 or 3.10.4.\n"
                     "Open file.txt and README.md, then run setup.py/install.\n"
                     "I like example.org and gnome.org a lot.\n"
                     "Call obj.method() or Mr.Smith i.e. someone.\n"
                     "Mail me at someone@example.org please\n"
                     "Use the https:// prefix and //comments\n"
                     "10.0.0.1 and 192.168.1.1/24\n"
                     "file.txt\n"
                     "localhost\n");
  urls = gleaner_url_list_take_urls (list);
  rejections = gleaner_url_list_take_rejections (list);
  g_assert_cmpuint (urls->len, ==, 0);
  g_assert_cmpuint (rejections->len, ==, 9);
  for (guint i = 0; i < rejections->len; i++)
    {
      GleanerRejection *rejection = g_ptr_array_index (rejections, i);

      g_assert_cmpint (rejection->reason, ==, GLEANER_REJECT_NO_URL);
      g_assert_cmpuint (rejection->line, ==, i + 1);
    }
}

static void
test_idn (void)
{
  static const char *expected[] = {
    "https://xn--bcher-kva.example/x",
    "https://xn--bcher-kva.example/",
    "https://xn--mnchen-3ya.example/stra%C3%9Fe?q=%C3%A4",
    "https://xn--fiqs8s.xn--fiqs8s/",
    "https://xn--bcher-kva.example/y",
    NULL
  };

  assert_text_urls ("bücher.example/x\n"
                    "https://BÜCHER.example\n"
                    "https://münchen.example/straße?q=ä\n"
                    "https://中国.中国:443/\n"
                    "Siehe „bücher.example/y“ hier.\n", expected);
  assert_rejected ("https://xn--zz.example/", GLEANER_REJECT_BAD_HOST, "https://xn--zz.example/");
}

static void
test_default_port (void)
{
  static const char *expected[] = {
    "http://a.example/",
    "https://b.example/x",
    "http://c.example:443/",
    "https://d.example:80/",
    "https://e.example:8443/",
    "http://f.example/",
    NULL
  };

  assert_text_urls ("http://a.example:80/\n"
                    "https://b.example:443/x\n"
                    "http://c.example:443\n"
                    "https://d.example:80\n"
                    "https://e.example:08443\n"
                    "http://f.example:/\n", expected);
}

static void
test_case (void)
{
  static const char *expected[] = {
    "https://example.org/Path?Q=A",
    "http://www.example.org/",
    "https://example.org/a%2Fb",
    NULL
  };

  assert_text_urls ("HTTPS://EXAMPLE.ORG/Path?Q=A\n"
                    "HtTp://WWW.Example.Org\n"
                    "https://Example.org/a%2Fb\n", expected);
}

static void
test_path_and_fragment (void)
{
  static const char *expected[] = {
    "https://a.example/",
    "https://b.example/c/e",
    "https://f.example/?q",
    "https://g.example/%22%3C%3E%60%7B%7D?%22%27",
    "https://h.example/p/q?r\\s",
    "http://i.example/",
    NULL
  };

  assert_text_urls ("https://a.example#top\n"
                    "https://b.example/c/./d/../e#frag\n"
                    "https://f.example/?q#x\n"
                    "<a href=\"https://g.example/&quot;<>`{}?&quot;'\">g</a>\n"
                    "https:\\\\h.example\\p\\q?r\\s\n"
                    "http:/i.example\n", expected);
}

static void
test_duplicates (void)
{
  g_autoptr(GleanerUrlList) list = NULL;
  static const char *expected[] = {
    "https://example.org/",
    "https://example.org/a",
    "http://example.org/",
    NULL
  };

  list = parse_text ("https://example.org\n"
                     "HTTPS://EXAMPLE.ORG:443/\n"
                     "https://example.org/#section\n"
                     "example.org\n"
                     "https://example.org/a\n"
                     "http://example.org/\n"
                     "https://example.org/a https://example.org/a\n"
                     "<a href=\"https://example.org/\">https://example.org/</a>\n");
  assert_urls (list, expected);
  g_assert_cmpuint (gleaner_url_list_get_n_lines (list), ==, 8);
  g_assert_cmpuint (gleaner_url_list_get_n_urls (list), ==, 3);
  /* Lines 2, 3, 4, 7 and 8 repeat an earlier link; the second link of lines 7
   * and 8 repeats its own line's link and does not count. */
  g_assert_cmpuint (gleaner_url_list_get_n_duplicates (list), ==, 5);
  g_assert_cmpuint (gleaner_url_list_get_n_rejected (list), ==, 0);
}

static void
test_keep_duplicates (void)
{
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  static const char *expected[] = {
    "https://example.org/",
    "https://example.org/",
    "https://example.org/",
    NULL
  };
  const char *text = "https://example.org\nexample.org\nhttps://EXAMPLE.org/#x\n";

  gleaner_url_list_set_keep_duplicates (list, TRUE);
  gleaner_url_list_add_text (list, text, strlen (text));
  assert_urls (list, expected);
  g_assert_cmpuint (gleaner_url_list_get_n_urls (list), ==, 3);
  g_assert_cmpuint (gleaner_url_list_get_n_duplicates (list), ==, 0);
}

static void
test_many_duplicates (void)
{
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  g_autoptr(GPtrArray) urls = NULL;

  g_test_summary ("The fingerprint set grows and still finds every duplicate");

  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < 20000; i++)
      {
        char line[64];

        g_snprintf (line, sizeof line, "https://example.org/%u", i);
        gleaner_url_list_add_line (list, line, strlen (line));
      }
  urls = gleaner_url_list_take_urls (list);
  g_assert_cmpuint (urls->len, ==, 20000);
  g_assert_cmpstr (g_ptr_array_index (urls, 19999), ==, "https://example.org/19999");
  g_assert_cmpuint (gleaner_url_list_get_n_duplicates (list), ==, 20000);
}

static void
test_reject_no_url (void)
{
  assert_rejected ("just some words", GLEANER_REJECT_NO_URL, "just some words");
  assert_rejected ("  padded words\t", GLEANER_REJECT_NO_URL, "padded words");
}

static void
test_reject_scheme (void)
{
  assert_rejected ("ftp://files.example/pub", GLEANER_REJECT_UNSUPPORTED_SCHEME,
                   "ftp://files.example/pub");
  assert_rejected ("file:///etc/passwd", GLEANER_REJECT_UNSUPPORTED_SCHEME, "file:///etc/passwd");
  assert_rejected ("javascript:alert(1)", GLEANER_REJECT_UNSUPPORTED_SCHEME,
                   "javascript:alert(1)");
  assert_rejected ("data:text/html,hi", GLEANER_REJECT_UNSUPPORTED_SCHEME, "data:text/html,hi");
  assert_rejected ("about:blank", GLEANER_REJECT_UNSUPPORTED_SCHEME, "about:blank");
  assert_rejected ("chrome://settings", GLEANER_REJECT_UNSUPPORTED_SCHEME, "chrome://settings");
  assert_rejected ("see <a href=\"mailto:bob@example.org\">mail</a>",
                   GLEANER_REJECT_UNSUPPORTED_SCHEME, "mailto:***@example.org");

  {
    g_autoptr(GleanerRejection) rejection = single_rejection ("FTP://x.example/", 16);

    g_assert_cmpstr (rejection->message, ==,
                     "Unsupported scheme “ftp”: only http and https links can be fetched");
  }
}

static void
test_reject_host (void)
{
  char label[80];

  assert_rejected ("http://user@/", GLEANER_REJECT_BAD_HOST, "http://user@/");
  assert_rejected ("https://", GLEANER_REJECT_BAD_HOST, "https://");
  assert_rejected ("http://:8080/", GLEANER_REJECT_BAD_HOST, "http://:8080/");
  assert_rejected ("https://bad!host.example/", GLEANER_REJECT_BAD_HOST,
                   "https://bad!host.example/");
  assert_rejected ("http://a..b.example/", GLEANER_REJECT_BAD_HOST, "http://a..b.example/");
  assert_rejected ("<a href=\"https://exa mple.org/\">x</a>", GLEANER_REJECT_BAD_HOST,
                   "https://exa mple.org/");
  assert_rejected ("http://999.1.1.1/", GLEANER_REJECT_BAD_HOST, "http://999.1.1.1/");
  assert_rejected ("https://[fe80::1%25eth0]/", GLEANER_REJECT_BAD_HOST,
                   "https://[fe80::1%25eth0]/");
  assert_rejected ("https://[::1/", GLEANER_REJECT_BAD_HOST, "https://[::1/");

  memset (label, 'a', 64);
  label[64] = '\0';
  {
    g_autofree char *url = g_strdup_printf ("https://%s.example/", label);

    assert_rejected (url, GLEANER_REJECT_BAD_HOST, url);
  }
}

static void
test_reject_port (void)
{
  assert_rejected ("http://example.org:0/", GLEANER_REJECT_BAD_PORT, "http://example.org:0/");
  assert_rejected ("http://example.org:65536/", GLEANER_REJECT_BAD_PORT,
                   "http://example.org:65536/");
  assert_rejected ("http://example.org:http/", GLEANER_REJECT_BAD_PORT,
                   "http://example.org:http/");
  assert_rejected ("example.org:99999", GLEANER_REJECT_BAD_PORT, "example.org:99999");
}

static void
test_reject_malformed (void)
{
  assert_rejected ("://example.org/x", GLEANER_REJECT_MALFORMED, "://example.org/x");
  assert_rejected ("https//example.org/x", GLEANER_REJECT_MALFORMED, "https//example.org/x");
  assert_rejected ("see http//example.org", GLEANER_REJECT_MALFORMED, "http//example.org");
}

static void
test_reject_too_long (void)
{
  g_autoptr(GString) url = g_string_new ("https://example.org/");
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GleanerRejection) rejection = NULL;
  g_autoptr(GleanerRejection) line_rejection = NULL;

  /* 64 KiB */
  while (url->len < 65536)
    g_string_append (url, "abcdefghij");
  rejection = single_rejection (url->str, url->len);
  g_assert_cmpint (rejection->reason, ==, GLEANER_REJECT_TOO_LONG);
  g_assert_cmpuint (g_utf8_strlen (rejection->text, -1), ==, 200);
  g_assert_true (g_str_has_prefix (rejection->text, "https://example.org/abcdefghij"));
  g_assert_true (g_str_has_suffix (rejection->text, "…"));

  /* 8 KiB exactly is allowed, one more byte is not */
  g_string_truncate (url, 8192);
  {
    g_autofree char *normal = gleaner_url_normalize (url->str, url->len, NULL);

    g_assert_cmpstr (normal, ==, url->str);
  }
  g_string_append_c (url, 'x');
  {
    GleanerRejectReason reason = GLEANER_REJECT_NO_URL;
    g_autofree char *normal = gleaner_url_normalize (url->str, url->len, &reason);

    g_assert_null (normal);
    g_assert_cmpint (reason, ==, GLEANER_REJECT_TOO_LONG);
  }

  /* A line over 1 MiB is not read at all, whatever it holds */
  while (line->len <= 1024 * 1024)
    g_string_append (line, "https://example.org/ ");
  line_rejection = single_rejection (line->str, line->len);
  g_assert_cmpint (line_rejection->reason, ==, GLEANER_REJECT_TOO_LONG);
  g_assert_true (g_str_has_suffix (line_rejection->text, "…"));
}

static void
test_reject_not_text (void)
{
  static const char nul_line[] = "https://a.example/\0https://b.example/";
  static const char utf16[] = "h\0t\0t\0p\0s\0:\0/\0/\0x\0.\0o\0r\0g\0";
  g_autoptr(GleanerRejection) nul = single_rejection (nul_line, sizeof nul_line - 1);
  g_autoptr(GleanerRejection) wide = single_rejection (utf16, sizeof utf16 - 1);
  g_autoptr(GleanerRejection) latin1 = single_rejection ("caf\xe9 au lait", 12);
  g_autoptr(GleanerRejection) in_url = single_rejection ("see https://x.example/caf\xe9", 26);

  g_assert_cmpint (nul->reason, ==, GLEANER_REJECT_NOT_TEXT);
  g_assert_cmpstr (nul->text, ==, "https://a.example/\xef\xbf\xbdhttps://b.example/");
  g_assert_cmpint (wide->reason, ==, GLEANER_REJECT_NOT_TEXT);
  g_assert_true (g_utf8_validate (wide->text, -1, NULL));
  g_assert_cmpint (latin1->reason, ==, GLEANER_REJECT_NOT_TEXT);
  g_assert_cmpstr (latin1->text, ==, "caf\xef\xbf\xbd au lait");
  g_assert_cmpint (in_url->reason, ==, GLEANER_REJECT_NOT_TEXT);
  g_assert_cmpstr (in_url->text, ==, "https://x.example/caf\xef\xbf\xbd");

  /* Invalid bytes elsewhere on a line do not hide its links. */
  {
    static const char *expected[] = { "https://ok.example/", NULL };

    assert_text_urls ("\xff\xfe https://ok.example/ \xc0\n", expected);
  }
}

static void
add_text (GleanerUrlList *list,
          const char     *text)
{
  gleaner_url_list_add_text (list, text, strlen (text));
}

static void
test_line_numbers (void)
{
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  g_autoptr(GPtrArray) rejections = NULL;
  static const guint64 expected_lines[] = { 2, 4, 5, 8, 9, 11 };
  static const char *expected[] = {
    "https://one.example/",
    "https://three.example/",
    "https://seven.example/",
    "https://ten.example/",
    NULL
  };

  /* CRLF, CR and LF; "\r" at the end of one call and "\n" at the start of the
   * next are one line break; line 6 is blank: numbered, never rejected. */
  add_text (list, "https://one.example\r\ntwo\r\n");
  add_text (list, "https://three.example\rfour\r");
  add_text (list, "\nfive\n\n");
  gleaner_url_list_add_line (list, "https://seven.example", 21);
  gleaner_url_list_add_line (list, "eight", 5);
  add_text (list, "nine\n");
  add_text (list, "https://ten.example");
  add_text (list, "eleven");

  assert_urls (list, expected);
  g_assert_cmpuint (gleaner_url_list_get_n_lines (list), ==, 11);
  rejections = gleaner_url_list_take_rejections (list);
  g_assert_cmpuint (rejections->len, ==, G_N_ELEMENTS (expected_lines));
  for (guint i = 0; i < rejections->len; i++)
    g_assert_cmpuint (((GleanerRejection *)g_ptr_array_index (rejections, i))->line, ==,
                      expected_lines[i]);
  g_assert_cmpuint (gleaner_url_list_get_n_rejected (list), ==, 6);
}

static void
test_userinfo (void)
{
  static const char *expected[] = {
    "https://example.org/x",
    "http://example.net/",
    "https://example.com/",
    NULL
  };

  g_test_summary ("Userinfo never reaches an accepted URL, and passwords never a rejection");

  assert_text_urls ("https://user:secret@example.org/x\n"
                    "http://user@example.net\n"
                    "https://a:b:c@example.com\n", expected);

  assert_rejected ("ftp://user:secret@files.example/", GLEANER_REJECT_UNSUPPORTED_SCHEME,
                   "ftp://user:***@files.example/");
  assert_rejected ("https://user:secret@example.org:99999/", GLEANER_REJECT_BAD_PORT,
                   "https://user:***@example.org:99999/");
  assert_rejected ("https://user:pa/ss@example.org:1:2/", GLEANER_REJECT_BAD_PORT,
                   "https://user:***@example.org:1:2/");
  assert_rejected ("no link, just user:hunter2@example", GLEANER_REJECT_NO_URL,
                   "no link, just user:***@example");

  /* cut inside the authority: the rest may be a password */
  {
    g_autoptr(GString) line = g_string_new ("ftp://user:");
    g_autoptr(GleanerRejection) rejection = NULL;

    while (line->len < 1024 * 1024 + 10)
      g_string_append (line, "secret");
    g_string_append (line, "@example.org/");
    rejection = single_rejection (line->str, line->len);
    g_assert_cmpint (rejection->reason, ==, GLEANER_REJECT_TOO_LONG);
    g_assert_cmpstr (rejection->text, ==, "ftp://user:***");
  }
}

static void
test_ipv6 (void)
{
  static const char *expected[] = {
    "http://[::1]:8080/",
    "https://[2001:db8::1]/path",
    "http://[::ffff:1.2.3.4]/",
    "http://192.0.2.7:8000/x",
    NULL
  };

  assert_text_urls ("http://[::1]:8080/\n"
                    "See https://[2001:DB8:0:0:0:0:0:1]:443/path.\n"
                    "<http://[::ffff:1.2.3.4]>\n"
                    "http://192.0.2.7:8000/x\n", expected);
}

static void
test_empty (void)
{
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  g_autoptr(GPtrArray) urls = NULL;
  g_autoptr(GPtrArray) rejections = NULL;
  GleanerRejectReason reason = GLEANER_REJECT_TOO_LONG;

  gleaner_url_list_add_text (list, "", 0);
  gleaner_url_list_add_text (list, NULL, 0);
  g_assert_cmpuint (gleaner_url_list_get_n_lines (list), ==, 0);
  gleaner_url_list_add_line (list, "", 0);
  gleaner_url_list_add_text (list, "\n \t\n\xc2\xa0\xe3\x80\x80\n\xef\xbb\xbf", 13);
  urls = gleaner_url_list_take_urls (list);
  rejections = gleaner_url_list_take_rejections (list);
  g_assert_cmpuint (gleaner_url_list_get_n_lines (list), ==, 5);
  g_assert_cmpuint (urls->len, ==, 0);
  g_assert_cmpuint (rejections->len, ==, 0);

  g_assert_null (gleaner_url_normalize ("", 0, &reason));
  g_assert_cmpint (reason, ==, GLEANER_REJECT_NO_URL);
}

static void
test_rejection_text (void)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GleanerRejection) rejection = NULL;
  g_autoptr(GleanerRejection) copy = NULL;
  g_autoptr(GleanerRejection) controls = NULL;

  for (guint i = 0; i < 150; i++)
    g_string_append (line, "wörd ");
  rejection = single_rejection (line->str, line->len);
  g_assert_cmpuint (g_utf8_strlen (rejection->text, -1), ==, 200);
  g_assert_true (g_str_has_prefix (rejection->text, "wörd wörd "));
  g_assert_true (g_str_has_suffix (rejection->text, "…"));

  copy = gleaner_rejection_copy (rejection);
  g_assert_cmpstr (copy->text, ==, rejection->text);
  g_assert_cmpstr (copy->message, ==, rejection->message);
  g_assert_cmpuint (copy->line, ==, rejection->line);
  g_assert_true (G_TYPE_IS_BOXED (GLEANER_TYPE_REJECTION));

  controls = single_rejection ("a\x1b[31mred\tb", 11);
  g_assert_cmpstr (controls->text, ==, "a\xef\xbf\xbd[31mred b");
}

static void
test_reason_names (void)
{
  g_assert_cmpstr (gleaner_reject_reason_to_string (GLEANER_REJECT_NO_URL), ==, "no-url");
  g_assert_cmpstr (gleaner_reject_reason_to_string (GLEANER_REJECT_UNSUPPORTED_SCHEME), ==,
                   "unsupported-scheme");
  g_assert_cmpstr (gleaner_reject_reason_to_string (GLEANER_REJECT_BAD_HOST), ==, "bad-host");
  g_assert_cmpstr (gleaner_reject_reason_to_string (GLEANER_REJECT_BAD_PORT), ==, "bad-port");
  g_assert_cmpstr (gleaner_reject_reason_to_string (GLEANER_REJECT_MALFORMED), ==, "malformed");
  g_assert_cmpstr (gleaner_reject_reason_to_string (GLEANER_REJECT_TOO_LONG), ==, "too-long");
  g_assert_cmpstr (gleaner_reject_reason_to_string (GLEANER_REJECT_NOT_TEXT), ==, "not-text");
}

static void
test_normalize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "example.org", "https://example.org/" },
    { "  <HTTP://Example.ORG:80/a#b>  ", "http://example.org/a" },
    { "bücher.example/x", "https://xn--bcher-kva.example/x" },
    { "https://example.org/a b", "https://example.org/a" },
    { "\"www.example.org\"", "https://www.example.org/" },
  };
  GleanerRejectReason reason = GLEANER_REJECT_NO_URL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = gleaner_url_normalize (cases[i].in, -1, NULL);

      g_assert_cmpstr (url, ==, cases[i].out);
    }

  g_assert_null (gleaner_url_normalize ("ftp://example.org/", -1, &reason));
  g_assert_cmpint (reason, ==, GLEANER_REJECT_UNSUPPORTED_SCHEME);
  g_assert_null (gleaner_url_normalize ("hello", 5, &reason));
  g_assert_cmpint (reason, ==, GLEANER_REJECT_NO_URL);
  g_assert_null (gleaner_url_normalize ("https://example.org:0/", -1, &reason));
  g_assert_cmpint (reason, ==, GLEANER_REJECT_BAD_PORT);
}

static void
test_take (void)
{
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GPtrArray) rejections = NULL;

  gleaner_url_list_add_line (list, "https://a.example/", 18);
  gleaner_url_list_add_line (list, "nothing", 7);
  first = gleaner_url_list_take_urls (list);
  gleaner_url_list_add_line (list, "https://b.example/", 18);
  gleaner_url_list_add_line (list, "https://a.example/", 18);
  second = gleaner_url_list_take_urls (list);
  third = gleaner_url_list_take_urls (list);
  rejections = gleaner_url_list_take_rejections (list);

  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (first, 0), ==, "https://a.example/");
  g_assert_cmpuint (second->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (second, 0), ==, "https://b.example/");
  g_assert_cmpuint (third->len, ==, 0);
  g_assert_cmpuint (rejections->len, ==, 1);
  g_assert_cmpuint (gleaner_url_list_get_n_duplicates (list), ==, 1);
  g_assert_cmpuint (gleaner_url_list_get_n_urls (list), ==, 2);
}

static void
test_many_lines (void)
{
  g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) urls = NULL;
  gint64 start;
  double seconds;

  g_test_summary ("Smoke test for speed: prints the rate, asserts only the result");

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (text, "https://www.site%u.example.org/articles/%u?id=%u\n",
                            i % 1000, i, i * 7);
  start = g_get_monotonic_time ();
  gleaner_url_list_add_text (list, text->str, text->len);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("100000 lines in %.3f s (%.0f lines/s)", seconds,
                  seconds > 0 ? 100000 / seconds : 0.0);

  urls = gleaner_url_list_take_urls (list);
  g_assert_cmpuint (urls->len, ==, 100000);
  g_assert_cmpstr (g_ptr_array_index (urls, 99999), ==,
                   "https://www.site999.example.org/articles/99999?id=699993");
}

/* Invariants every input must keep (the fuzzer checks the same). */
static void
check_invariants (GleanerUrlList *list,
                  const char     *name)
{
  g_autoptr(GPtrArray) urls = gleaner_url_list_take_urls (list);
  g_autoptr(GPtrArray) rejections = gleaner_url_list_take_rejections (list);

  for (guint i = 0; i < urls->len; i++)
    {
      const char *url = g_ptr_array_index (urls, i);
      const char *authority = strstr (url, "://");
      gsize authority_len;
      g_autofree char *wrapped = g_strconcat ("<", url, ">", NULL);
      g_autofree char *again = gleaner_url_normalize (wrapped, -1, NULL);

      g_test_message ("%s: %s", name, url);
      g_assert_true (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"));
      for (const char *c = url; *c != '\0'; c++)
        g_assert_true (*c > 0x20 && *c < 0x7f);
      g_assert_nonnull (authority);
      authority += 3;
      authority_len = strcspn (authority, "/?");
      g_assert_null (memchr (authority, '@', authority_len));
      g_assert_cmpstr (again, ==, url);
    }
  for (guint i = 0; i < rejections->len; i++)
    {
      GleanerRejection *rejection = g_ptr_array_index (rejections, i);

      g_assert_true (g_utf8_validate (rejection->text, -1, NULL));
      g_assert_true (g_utf8_validate (rejection->message, -1, NULL));
      g_assert_cmpuint (g_utf8_strlen (rejection->text, -1), <=, 200);
      g_assert_cmpuint (rejection->line, >=, 1);
      g_assert_cmpuint (rejection->line, <=, gleaner_url_list_get_n_lines (list));
    }
}

static void
test_regressions (void)
{
  g_autofree char *dir_path = gleaner_test_get_path ("fixtures", "url-list-regressions", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, &error);
  guint n_files = 0;

  g_test_summary ("Inputs that once broke the parser (from fuzzing) keep its invariants");
  g_assert_no_error (error);

  for (const char *name = g_dir_read_name (dir); name != NULL; name = g_dir_read_name (dir))
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GleanerUrlList) list = gleaner_url_list_new ();
      g_autoptr(GleanerUrlList) keep = gleaner_url_list_new ();
      gsize len = 0;

      if (g_str_has_prefix (name, "."))
        continue;
      g_assert_true (g_file_get_contents (path, &data, &len, &error));
      g_assert_no_error (error);
      gleaner_url_list_add_text (list, data, len);
      check_invariants (list, name);
      gleaner_url_list_set_keep_duplicates (keep, TRUE);
      gleaner_url_list_add_line (keep, data, len);
      check_invariants (keep, name);
      g_assert_cmpuint (gleaner_url_list_get_n_lines (keep), ==, 1);
      g_free (gleaner_url_normalize (data, len, NULL));
      n_files++;
    }
  g_assert_cmpuint (n_files, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gleaner/url-list/create-free", test_create_free);
  g_test_add_func ("/gleaner/url-list/plain-list", test_plain_list);
  g_test_add_func ("/gleaner/url-list/several-per-line", test_several_per_line);
  g_test_add_func ("/gleaner/url-list/markdown", test_markdown);
  g_test_add_func ("/gleaner/url-list/autolinks", test_autolinks);
  g_test_add_func ("/gleaner/url-list/html", test_html);
  g_test_add_func ("/gleaner/url-list/trailing-punctuation", test_trailing_punctuation);
  g_test_add_func ("/gleaner/url-list/balanced-parens", test_balanced_parens);
  g_test_add_func ("/gleaner/url-list/host-only", test_host_only);
  g_test_add_func ("/gleaner/url-list/prose", test_prose);
  g_test_add_func ("/gleaner/url-list/idn", test_idn);
  g_test_add_func ("/gleaner/url-list/default-port", test_default_port);
  g_test_add_func ("/gleaner/url-list/case", test_case);
  g_test_add_func ("/gleaner/url-list/path-and-fragment", test_path_and_fragment);
  g_test_add_func ("/gleaner/url-list/duplicates", test_duplicates);
  g_test_add_func ("/gleaner/url-list/keep-duplicates", test_keep_duplicates);
  g_test_add_func ("/gleaner/url-list/many-duplicates", test_many_duplicates);
  g_test_add_func ("/gleaner/url-list/reject/no-url", test_reject_no_url);
  g_test_add_func ("/gleaner/url-list/reject/unsupported-scheme", test_reject_scheme);
  g_test_add_func ("/gleaner/url-list/reject/bad-host", test_reject_host);
  g_test_add_func ("/gleaner/url-list/reject/bad-port", test_reject_port);
  g_test_add_func ("/gleaner/url-list/reject/malformed", test_reject_malformed);
  g_test_add_func ("/gleaner/url-list/reject/too-long", test_reject_too_long);
  g_test_add_func ("/gleaner/url-list/reject/not-text", test_reject_not_text);
  g_test_add_func ("/gleaner/url-list/line-numbers", test_line_numbers);
  g_test_add_func ("/gleaner/url-list/userinfo", test_userinfo);
  g_test_add_func ("/gleaner/url-list/ipv6", test_ipv6);
  g_test_add_func ("/gleaner/url-list/empty", test_empty);
  g_test_add_func ("/gleaner/url-list/rejection-text", test_rejection_text);
  g_test_add_func ("/gleaner/url-list/reason-names", test_reason_names);
  g_test_add_func ("/gleaner/url-list/normalize", test_normalize);
  g_test_add_func ("/gleaner/url-list/take", test_take);
  g_test_add_func ("/gleaner/url-list/many-lines", test_many_lines);
  g_test_add_func ("/gleaner/url-list/regressions", test_regressions);

  return g_test_run ();
}
