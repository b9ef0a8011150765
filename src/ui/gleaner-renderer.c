/* gleaner-renderer.c: which GSK renderer the windows use
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK draws with OpenGL when it can, even when the only OpenGL is Mesa's
 * software rasterizer (llvmpipe: Xvfb, VNC and RDP sessions, virtual
 * machines without a virtual GPU, broken drivers). There the GL renderer
 * costs far more than the cairo one for a window made of text: measured with
 * 100,000 rows under Xvfb on GTK 4.8, 321 MiB resident against 197 MiB, the
 * difference being llvmpipe's scene bins, JIT-compiled shaders and glyph
 * textures, whatever the number of rows; and its rasterizer threads compete
 * with the fetch threads for the same cores. GTK 4.14 stopped preferring GL
 * on llvmpipe too (GNOME/gtk 6c4739a2), but still falls back to it.
 *
 * So when the display's GL is a software rasterizer, Gleaner asks for the
 * cairo renderer. It says so on the display (the "gsk-renderer" data that
 * gsk_renderer_new_for_surface() reads first, in GTK 4.0 to 4.20 alike) rather
 * than through the GSK_RENDERER variable: the choice then stays with this
 * process instead of passing to the browser it launches, and nothing calls
 * setenv() once GApplication has started its D-Bus thread. A GSK_RENDERER set
 * by the user always wins. Should a later GTK stop reading that key, windows
 * merely keep GTK's own choice.
 */

#include "config.h"

#include <epoxy/gl.h>

#include "gleaner-renderer.h"

/**
 * gleaner_renderer_is_software_gl:
 * @gl_renderer: (nullable): an OpenGL GL_RENDERER string
 *
 * Whether @gl_renderer names a rasterizer that runs on the CPU: Mesa's
 * llvmpipe and softpipe, and anything that calls itself software (Mesa's
 * old swrast, "Software Rasterizer"). The words Chromium's software list
 * matches too. A hardware driver built with LLVM says "LLVM", never
 * "llvmpipe"; zink over lavapipe says "llvmpipe".
 */
gboolean
gleaner_renderer_is_software_gl (const char *gl_renderer)
{
  static const char * const software[] = { "llvmpipe", "softpipe", "software" };
  g_autofree char *lower = NULL;

  if (gl_renderer == NULL)
    return FALSE;

  lower = g_ascii_strdown (gl_renderer, -1);
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    if (strstr (lower, software[i]) != NULL)
      return TRUE;

  return FALSE;
}

/* The GL_RENDERER string of @display's OpenGL, or NULL when GTK has no GL
 * there (then GTK itself draws with cairo). Makes a context of its own and
 * drops it: a few milliseconds, and under 3 MiB once, since GTK has already
 * loaded the driver to pick its X11 visual. */
static char *
query_gl_renderer (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  context = gdk_display_create_gl_context (display, &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    {
      g_debug ("No OpenGL on this display: %s", error->message);
      return NULL;
    }

  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();

  return name;
}

/**
 * gleaner_renderer_choose:
 * @display: the display the windows will be on, before any is realized
 *
 * Picks the cairo renderer for @display's windows when its OpenGL is a
 * software rasterizer, unless the user chose with GSK_RENDERER. Main thread,
 * once, before the first window is shown (GTK picks a window's renderer when
 * it realizes it).
 *
 * Returns: (nullable): the renderer asked for ("cairo"), or %NULL when the
 *   choice is left to GTK
 */
const char *
gleaner_renderer_choose (GdkDisplay *display)
{
  const char *user_choice = g_getenv ("GSK_RENDERER");
  g_autofree char *gl_renderer = NULL;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  if (user_choice != NULL && *user_choice != '\0')
    return NULL;
  if (g_object_get_data (G_OBJECT (display), "gsk-renderer") != NULL)
    return NULL;

  gl_renderer = query_gl_renderer (display);
  if (!gleaner_renderer_is_software_gl (gl_renderer))
    return NULL;

  g_debug ("OpenGL is %s, a software rasterizer: drawing with cairo", gl_renderer);
  g_object_set_data (G_OBJECT (display), "gsk-renderer", (gpointer) "cairo");

  return "cairo";
}
