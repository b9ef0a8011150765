/* gleaner-url-list.c: PLACEHOLDER being replaced (url-list helper) */
#include "config.h"
#include <string.h>
#include "gleaner-url-list.h"

G_DEFINE_BOXED_TYPE (GleanerRejection, gleaner_rejection, gleaner_rejection_copy, gleaner_rejection_free)
struct _GleanerUrlList { GPtrArray *urls, *rej; guint64 lines, n, dup, nrej; GHashTable *seen; gboolean keep; };
GleanerRejection *gleaner_rejection_copy (const GleanerRejection *r)
{ GleanerRejection *c = g_new0 (GleanerRejection, 1); *c = *r; c->text = g_strdup (r->text); c->message = g_strdup (r->message); return c; }
void gleaner_rejection_free (GleanerRejection *r) { if (!r) return; g_free (r->text); g_free (r->message); g_free (r); }
const char *gleaner_reject_reason_to_string (GleanerRejectReason r) { return "rejected"; }
char *gleaner_url_normalize (const char *text, gssize len, GleanerRejectReason *reason)
{
  g_autofree char *s = g_strstrip (g_strndup (text, len < 0 ? strlen (text) : (gsize)len));
  if (g_str_has_prefix (s, "http://") || g_str_has_prefix (s, "https://")) return g_steal_pointer (&s);
  if (reason) *reason = GLEANER_REJECT_NO_URL;
  return NULL;
}
GleanerUrlList *gleaner_url_list_new (void)
{ GleanerUrlList *l = g_new0 (GleanerUrlList, 1); l->urls = g_ptr_array_new_with_free_func (g_free);
  l->rej = g_ptr_array_new_with_free_func ((GDestroyNotify)gleaner_rejection_free); l->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL); return l; }
void gleaner_url_list_free (GleanerUrlList *l) { if (!l) return; g_ptr_array_unref (l->urls); g_ptr_array_unref (l->rej); g_hash_table_unref (l->seen); g_free (l); }
void gleaner_url_list_set_keep_duplicates (GleanerUrlList *l, gboolean k) { l->keep = k; }
void gleaner_url_list_add_line (GleanerUrlList *l, const char *line, gsize len)
{
  GleanerRejectReason r;
  char *u;
  l->lines++;
  if (len == 0) return;
  u = gleaner_url_normalize (line, len, &r);
  if (!u) { GleanerRejection *rj = g_new0 (GleanerRejection, 1); rj->line = l->lines; rj->reason = r; rj->text = g_utf8_make_valid (line, len); rj->message = g_strdup ("no URL found"); g_ptr_array_add (l->rej, rj); l->nrej++; return; }
  if (!l->keep && g_hash_table_contains (l->seen, u)) { l->dup++; g_free (u); return; }
  if (!l->keep) g_hash_table_add (l->seen, g_strdup (u));
  l->n++; g_ptr_array_add (l->urls, u);
}
void gleaner_url_list_add_text (GleanerUrlList *l, const char *text, gsize len)
{
  gsize s = 0;
  for (gsize i = 0; i <= len; i++)
    if (i == len || text[i] == '\n') { if (i > s || i < len) gleaner_url_list_add_line (l, text + s, i - s); s = i + 1; }
}
GPtrArray *gleaner_url_list_take_urls (GleanerUrlList *l) { GPtrArray *a = l->urls; l->urls = g_ptr_array_new_with_free_func (g_free); return a; }
GPtrArray *gleaner_url_list_take_rejections (GleanerUrlList *l) { GPtrArray *a = l->rej; l->rej = g_ptr_array_new_with_free_func ((GDestroyNotify)gleaner_rejection_free); return a; }
guint64 gleaner_url_list_get_n_lines (GleanerUrlList *l) { return l->lines; }
guint64 gleaner_url_list_get_n_urls (GleanerUrlList *l) { return l->n; }
guint64 gleaner_url_list_get_n_duplicates (GleanerUrlList *l) { return l->dup; }
guint64 gleaner_url_list_get_n_rejected (GleanerUrlList *l) { return l->nrej; }
