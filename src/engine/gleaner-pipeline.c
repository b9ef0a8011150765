/* gleaner-pipeline.c: PLACEHOLDER being replaced (lead engineer) */
#include "config.h"
#include "gleaner-pipeline.h"
struct _GleanerPipeline { GObject parent_instance; GleanerConfig *config; };
G_DEFINE_FINAL_TYPE (GleanerPipeline, gleaner_pipeline, G_TYPE_OBJECT)
static void gleaner_pipeline_class_init (GleanerPipelineClass *k) {
  g_signal_new ("results", G_TYPE_FROM_CLASS (k), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
  g_signal_new ("finished", G_TYPE_FROM_CLASS (k), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
static void gleaner_pipeline_init (GleanerPipeline *s) {}
GleanerPipeline *gleaner_pipeline_new (const GleanerConfig *c) { GleanerPipeline *p = g_object_new (GLEANER_TYPE_PIPELINE, NULL); p->config = gleaner_config_copy (c); return p; }
const GleanerConfig *gleaner_pipeline_get_config (GleanerPipeline *s) { return s->config; }
void gleaner_pipeline_add (GleanerPipeline *s, guint64 id, const char *url) {}
void gleaner_pipeline_close (GleanerPipeline *s) {}
void gleaner_pipeline_cancel (GleanerPipeline *s) {}
guint64 gleaner_pipeline_get_n_added (GleanerPipeline *s) { return 0; }
guint64 gleaner_pipeline_get_n_done (GleanerPipeline *s) { return 0; }
guint64 gleaner_pipeline_get_n_succeeded (GleanerPipeline *s) { return 0; }
guint64 gleaner_pipeline_get_n_failed (GleanerPipeline *s) { return 0; }
guint64 gleaner_pipeline_get_n_pending (GleanerPipeline *s) { return 0; }
gboolean gleaner_pipeline_get_running (GleanerPipeline *s) { return FALSE; }
gboolean gleaner_pipeline_get_cancelled (GleanerPipeline *s) { return FALSE; }
void gleaner_pipeline_wait_for_threads (void) {}
