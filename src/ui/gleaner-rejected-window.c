/* gleaner-rejected-window.c: the lines of the input that held no usable link, and why
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "gleaner-ui-util.h"
#include "gleaner-url-list.h"
#include "gleaner-rejected-window.h"

/* A list box, not a list view: rejected lines are usually few, and a boxed
 * list reads best. Beyond this many rows the window says how many it left out. */
#define MAX_ROWS 500

struct _GleanerRejectedWindow
{
  AdwWindow   parent_instance;

  /* Template children */
  GtkLabel   *summary_label;
  GtkListBox *list_box;
  GtkLabel   *more_label;

  guint       n_shown;
};

G_DEFINE_FINAL_TYPE (GleanerRejectedWindow, gleaner_rejected_window, ADW_TYPE_WINDOW)

static GtkWidget *
new_row (const GleanerRejection *rejection)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, rejection->line);
  g_autofree char *line_label = NULL;
  GtkWidget *line = gtk_label_new (number);
  GtkWidget *text = gtk_label_new (NULL);
  GtkWidget *reason = gtk_label_new (NULL);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_width_chars (GTK_LABEL (line), 5);
  gtk_label_set_xalign (GTK_LABEL (line), 1.0);
  gtk_widget_set_valign (line, GTK_ALIGN_START);
  gtk_widget_add_css_class (line, "numeric");
  gtk_widget_add_css_class (line, "dim-label");
  /* Translators: %s is a line number of the pasted text */
  line_label = g_strdup_printf (_("Line %s"), number);
  gtk_widget_set_tooltip_text (line, line_label);

  /* The input is untrusted text: plain-text setters only. */
  gtk_label_set_text (GTK_LABEL (text), rejection->text != NULL ? rejection->text : "");
  gtk_label_set_xalign (GTK_LABEL (text), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);

  gtk_label_set_text (GTK_LABEL (reason), rejection->message != NULL ? rejection->message :
                      gleaner_reject_reason_to_string (rejection->reason));
  gtk_label_set_xalign (GTK_LABEL (reason), 0.0);
  gtk_label_set_wrap (GTK_LABEL (reason), TRUE);
  gtk_widget_add_css_class (reason, "dim-label");
  gtk_widget_add_css_class (reason, "caption");

  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), text);
  gtk_box_append (GTK_BOX (texts), reason);
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static void
gleaner_rejected_window_class_init (GleanerRejectedWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gleaner/Gleaner/gleaner-rejected-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GleanerRejectedWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, GleanerRejectedWindow, list_box);
  gtk_widget_class_bind_template_child (widget_class, GleanerRejectedWindow, more_label);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
gleaner_rejected_window_init (GleanerRejectedWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gleaner_rejected_window_new (void)
{
  return g_object_new (GLEANER_TYPE_REJECTED_WINDOW, NULL);
}

/**
 * gleaner_rejected_window_set_rejections:
 * @rejections: (element-type GleanerRejection): the rejections the caller kept
 * @n_rejected: how many lines were rejected in all (may be more than kept)
 */
void
gleaner_rejected_window_set_rejections (GleanerRejectedWindow *self,
                                        GPtrArray             *rejections,
                                        guint64                n_rejected)
{
  GtkWidget *child;
  g_autofree char *n = NULL;
  g_autofree char *summary = NULL;

  g_return_if_fail (GLEANER_IS_REJECTED_WINDOW (self));
  g_return_if_fail (rejections != NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);

  self->n_shown = MIN (rejections->len, MAX_ROWS);
  for (guint i = 0; i < self->n_shown; i++)
    gtk_list_box_append (self->list_box, new_row (g_ptr_array_index (rejections, i)));

  n = gleaner_ui_format_count (n_rejected);
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s line held no link Gleaner can fetch.",
                                          "%s lines held no link Gleaner can fetch.",
                                          n_rejected), n);
  gtk_label_set_text (self->summary_label, summary);

  if (n_rejected > self->n_shown)
    {
      g_autofree char *more = gleaner_ui_format_count (n_rejected - self->n_shown);
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s more line is not shown.",
                                           "%s more lines are not shown.",
                                           n_rejected - self->n_shown), more);
      gtk_label_set_text (self->more_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), n_rejected > self->n_shown);
  gtk_widget_set_visible (GTK_WIDGET (self->list_box), self->n_shown > 0);
}

guint
gleaner_rejected_window_get_n_shown (GleanerRejectedWindow *self)
{
  g_return_val_if_fail (GLEANER_IS_REJECTED_WINDOW (self), 0);

  return self->n_shown;
}

/**
 * gleaner_rejected_window_present:
 *
 * Returns: (transfer none): the window, presented modal for @parent
 */
GtkWidget *
gleaner_rejected_window_present (GtkWindow *parent,
                                 GPtrArray *rejections,
                                 guint64    n_rejected)
{
  GtkWidget *window = gleaner_rejected_window_new ();

  gleaner_rejected_window_set_rejections (GLEANER_REJECTED_WINDOW (window), rejections, n_rejected);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}
