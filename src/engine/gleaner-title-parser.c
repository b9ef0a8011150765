/* gleaner-title-parser.c: PLACEHOLDER being replaced (issue 3 helper) */
#include "config.h"
#include <string.h>
#include "gleaner-title-parser.h"

GleanerPageFacts *gleaner_page_facts_new (void) { return g_new0 (GleanerPageFacts, 1); }
void gleaner_page_facts_free (GleanerPageFacts *f)
{
  if (!f) return;
  g_free (f->title); g_free (f->description); g_free (f->og_title); g_free (f->og_site_name);
  g_free (f->canonical); g_free (f->lang); g_free (f->h1); g_free (f->encoding); g_free (f);
}
GleanerContentClass gleaner_title_parser_classify (const char *ct)
{
  if (ct == NULL) return GLEANER_CONTENT_UNKNOWN;
  if (g_ascii_strncasecmp (ct, "text/html", 9) == 0) return GLEANER_CONTENT_HTML;
  if (strstr (ct, "xml")) return GLEANER_CONTENT_XML;
  return GLEANER_CONTENT_OTHER;
}
struct _GleanerTitleParser { int dummy; };
GleanerTitleParser *gleaner_title_parser_new (void) { return g_new0 (GleanerTitleParser, 1); }
void gleaner_title_parser_free (GleanerTitleParser *self) { g_free (self); }
GleanerPageFacts *
gleaner_title_parser_parse (GleanerTitleParser *self, const guint8 *data, gsize len,
                            const char *content_type, const char *base_url, GleanerFields fields)
{
  GleanerPageFacts *f = gleaner_page_facts_new ();
  const char *s = g_strstr_len ((const char *)data, len, "<title>");
  f->encoding = g_strdup ("UTF-8");
  f->encoding_source = GLEANER_ENCODING_SOURCE_DEFAULT;
  if (s)
    {
      const char *e;
      s += 7;
      e = g_strstr_len (s, len - (s - (const char *)data), "</title>");
      if (e) { f->has_title = TRUE; f->title = g_utf8_make_valid (s, e - s); }
    }
  if (!f->title) f->title = g_strdup ("");
  return f;
}
gboolean gleaner_title_parser_prefix_is_enough (const guint8 *d, gsize l, const char *ct, GleanerFields f) { return FALSE; }
