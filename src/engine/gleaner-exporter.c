/* gleaner-exporter.c: PLACEHOLDER being replaced (exporter helper) */
#include "config.h"
#include "gleaner-exporter.h"
#include "gleaner-result.h"
#include "gleaner-error.h"

static const char *names[] = { "titles", "tsv", "csv", "json", "jsonl", "markdown", "html", "org" };
gboolean gleaner_format_from_string (const char *n, GleanerFormat *f)
{ for (guint i = 0; i < G_N_ELEMENTS (names); i++) if (g_str_equal (n, names[i])) { *f = i; return TRUE; } return FALSE; }
const char *gleaner_format_to_string (GleanerFormat f) { return names[f]; }
const char *gleaner_format_get_extension (GleanerFormat f) { return names[f]; }
const char *gleaner_format_get_mime_type (GleanerFormat f) { return "text/plain"; }
const char *gleaner_format_get_label (GleanerFormat f) { return names[f]; }
struct _GleanerWriter { GleanerFormat format; GOutputStream *out; gboolean header; };
GleanerWriter *gleaner_writer_new (GleanerFormat format, GleanerFields fields, GOutputStream *stream)
{ GleanerWriter *w = g_new0 (GleanerWriter, 1); w->format = format; w->out = g_object_ref (stream); return w; }
void gleaner_writer_free (GleanerWriter *w) { if (!w) return; g_object_unref (w->out); g_free (w); }
gboolean gleaner_writer_write (GleanerWriter *w, GleanerResult *r, GCancellable *c, GError **error)
{
  g_autofree char *line = NULL;
  if (!w->header && w->format == GLEANER_FORMAT_TSV) { w->header = TRUE; if (!g_output_stream_write_all (w->out, "url\tstatus\ttitle\terror_kind\terror\n", 33, NULL, c, error)) return FALSE; }
  line = g_strdup_printf ("%s\t%u\t%s\t%s\t%s\n", gleaner_result_get_url (r), gleaner_result_get_status (r),
                          gleaner_result_get_title (r) ? gleaner_result_get_title (r) : "",
                          gleaner_error_kind_to_string (gleaner_result_get_error_kind (r)),
                          gleaner_result_get_error_message (r) ? gleaner_result_get_error_message (r) : "");
  return g_output_stream_write_all (w->out, line, strlen (line), NULL, c, error);
}
gboolean gleaner_writer_finish (GleanerWriter *w, GCancellable *c, GError **e) { return g_output_stream_flush (w->out, c, e); }
gboolean gleaner_export_to_file (GFile *file, GleanerFormat format, GleanerFields fields, GPtrArray *results, GCancellable *c, GError **error)
{ g_set_error (error, GLEANER_ERROR, GLEANER_ERROR_WRITE, "not implemented"); return FALSE; }
void gleaner_export_to_file_async (GFile *file, GleanerFormat format, GleanerFields fields, GPtrArray *results, GCancellable *c, GAsyncReadyCallback cb, gpointer ud) {}
gboolean gleaner_export_to_file_finish (GAsyncResult *r, GError **e) { return FALSE; }
