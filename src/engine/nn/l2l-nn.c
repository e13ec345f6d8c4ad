/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "l2l-nn.h"

void
l2l_linear_forward (float       *out,
                    const float *in,
                    const float *weight,
                    const float *bias,
                    gsize        rows,
                    gsize        n_in,
                    gsize        n_out)
{
  if (bias != NULL)
    for (gsize r = 0; r < rows; r++)
      memcpy (out + r * n_out, bias, n_out * sizeof (float));
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) rows, (int) n_out, (int) n_in,
               1.0f, in, (int) n_in, weight, (int) n_in, bias != NULL ? 1.0f : 0.0f, out,
               (int) n_out);
}

void
l2l_linear_accumulate (float       *out,
                       const float *in,
                       const float *weight,
                       gsize        rows,
                       gsize        n_in,
                       gsize        n_out)
{
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) rows, (int) n_out, (int) n_in,
               1.0f, in, (int) n_in, weight, (int) n_in, 1.0f, out, (int) n_out);
}

void
l2l_linear_backward (float       *din,
                     float       *dweight,
                     float       *dbias,
                     const float *dout,
                     const float *in,
                     const float *weight,
                     gsize        rows,
                     gsize        n_in,
                     gsize        n_out)
{
  if (dweight != NULL)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) n_out, (int) n_in, (int) rows,
                 1.0f, dout, (int) n_out, in, (int) n_in, 1.0f, dweight, (int) n_in);
  for (gsize r = 0; r < rows && dbias != NULL; r++)
    for (gsize j = 0; j < n_out; j++)
      dbias[j] += dout[r * n_out + j];
  if (din != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) rows, (int) n_in, (int) n_out,
                 1.0f, dout, (int) n_out, weight, (int) n_in, 0.0f, din, (int) n_in);
}

void
l2l_linear_forward_ref (float       *out,
                        const float *in,
                        const float *weight,
                        const float *bias,
                        gsize        rows,
                        gsize        n_in,
                        gsize        n_out)
{
  for (gsize r = 0; r < rows; r++)
    for (gsize j = 0; j < n_out; j++)
      {
        float sum = bias != NULL ? bias[j] : 0.0f;
        for (gsize i = 0; i < n_in; i++)
          sum += in[r * n_in + i] * weight[j * n_in + i];
        out[r * n_out + j] = sum;
      }
}

void
l2l_linear_backward_ref (float       *din,
                         float       *dweight,
                         float       *dbias,
                         const float *dout,
                         const float *in,
                         const float *weight,
                         gsize        rows,
                         gsize        n_in,
                         gsize        n_out)
{
  for (gsize r = 0; r < rows; r++)
    for (gsize j = 0; j < n_out; j++)
      {
        const float d = dout[r * n_out + j];
        if (dbias != NULL)
          dbias[j] += d;
        for (gsize i = 0; i < n_in && dweight != NULL; i++)
          dweight[j * n_in + i] += d * in[r * n_in + i];
      }
  if (din == NULL)
    return;
  for (gsize r = 0; r < rows; r++)
    for (gsize i = 0; i < n_in; i++)
      {
        float sum = 0.0f;
        for (gsize j = 0; j < n_out; j++)
          sum += dout[r * n_out + j] * weight[j * n_in + i];
        din[r * n_in + i] = sum;
      }
}

void
l2l_sigmoid_forward (float       *out,
                     const float *in,
                     gsize        n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = 1.0f / (1.0f + expf (-in[i]));
}

void
l2l_sigmoid_backward (float       *din,
                      const float *out,
                      const float *dout,
                      gsize        n)
{
  for (gsize i = 0; i < n; i++)
    din[i] = dout[i] * (out[i] * (1.0f - out[i]));
}

void
l2l_relu_forward (float       *out,
                  const float *in,
                  gsize        n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void
l2l_relu_backward (float       *din,
                   const float *out,
                   const float *dout,
                   gsize        n)
{
  /* dout read whatever the sign, so that the loop has no branch to stop
   * the compiler vectorizing it */
  for (gsize i = 0; i < n; i++)
    {
      const float d = dout[i];
      din[i] = out[i] > 0.0f ? d : 0.0f;
    }
}

double
l2l_softmax_xent (float        *dlogits,
                  const float  *logits,
                  const guint8 *labels,
                  gsize         rows,
                  gsize         classes)
{
  double loss = 0.0;

  for (gsize r = 0; r < rows; r++)
    {
      const float *z = logits + r * classes;
      float top = z[0];
      double sum = 0.0, log_sum;

      for (gsize c = 1; c < classes; c++)
        top = MAX (top, z[c]);
      for (gsize c = 0; c < classes; c++)
        sum += exp ((double) z[c] - top);
      log_sum = top + log (sum);
      loss += log_sum - z[labels[r]];
      if (dlogits != NULL)
        for (gsize c = 0; c < classes; c++)
          dlogits[r * classes + c] =
            (float) ((exp ((double) z[c] - log_sum) - (c == labels[r])) / rows);
    }
  return loss / rows;
}

void
l2l_softmax_xent_rop (float       *rdlogits,
                      const float *logits,
                      const float *rlogits,
                      gsize        rows,
                      gsize        classes)
{
  for (gsize r = 0; r < rows; r++)
    {
      const float *z = logits + r * classes, *rz = rlogits + r * classes;
      float top = z[0];
      double sum = 0.0, p_dot_rz = 0.0;

      for (gsize c = 1; c < classes; c++)
        top = MAX (top, z[c]);
      for (gsize c = 0; c < classes; c++)
        sum += exp ((double) z[c] - top);
      for (gsize c = 0; c < classes; c++)
        p_dot_rz += exp ((double) z[c] - top) / sum * rz[c];
      for (gsize c = 0; c < classes; c++)
        rdlogits[r * classes + c] =
          (float) (exp ((double) z[c] - top) / sum * (rz[c] - p_dot_rz) / rows);
    }
}
