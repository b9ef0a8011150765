/* nfq-delay: hold every packet sent to NFQUEUE queue Q for D milliseconds,
 * then let it go.  A stand-in for `tc qdisc ... netem delay` on kernels
 * built without sch_netem (bench/run uses it only inside its own network
 * namespace, for the WAN workload).
 *
 *   nfq-delay QUEUE_NUM DELAY_MS
 *
 * Every packet gets the same delay, so a FIFO keeps them in due order.
 * Prints one line "ready" on stdout once the queue is bound, and on SIGTERM/
 * SIGINT a line with counts ("passed N, dropped-by-kernel N") on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnfnetlink/libnfnetlink.h>

#define RING (1u << 20)

static uint32_t ring_id[RING];
static uint64_t ring_due[RING];
static size_t head, tail; /* tail - head = count */
static uint64_t delay_ns, passed, overflow;
static volatile sig_atomic_t stop;

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static int
on_packet (struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data)
{
  (void) msg; (void) data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr (nfa);
  if (ph == NULL)
    return 0;
  uint32_t id = ntohl (ph->packet_id);
  if (tail - head >= RING)
    {
      overflow++;
      return nfq_set_verdict (qh, id, NF_ACCEPT, 0, NULL);
    }
  ring_id[tail % RING] = id;
  ring_due[tail % RING] = now_ns () + delay_ns;
  tail++;
  return 0;
}

static void
on_signal (int sig)
{
  (void) sig;
  stop = 1;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: %s QUEUE_NUM DELAY_MS\n", argv[0]);
      return 2;
    }
  int qnum = atoi (argv[1]);
  delay_ns = (uint64_t) (atof (argv[2]) * 1e6);

  struct nfq_handle *h = nfq_open ();
  if (h == NULL)
    { perror ("nfq_open"); return 1; }
  nfq_unbind_pf (h, AF_INET);
  if (nfq_bind_pf (h, AF_INET) < 0)
    { perror ("nfq_bind_pf"); return 1; }
  struct nfq_q_handle *qh = nfq_create_queue (h, (uint16_t) qnum, on_packet, NULL);
  if (qh == NULL)
    { perror ("nfq_create_queue"); return 1; }
  if (nfq_set_mode (qh, NFQNL_COPY_META, 0) < 0)
    { perror ("nfq_set_mode"); return 1; }
  nfq_set_queue_maxlen (qh, 500000);
  nfq_set_queue_flags (qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO);
  nfnl_rcvbufsiz (nfq_nfnlh (h), 64 * 1024 * 1024);
  int fd = nfq_fd (h);

  struct sigaction sa = { 0 };
  sa.sa_handler = on_signal;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);

  printf ("ready\n");
  fflush (stdout);

  static char buf[256 * 1024] __attribute__ ((aligned));
  uint64_t enobufs = 0;
  while (!stop)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };
      struct timespec to, *top = NULL;
      if (tail != head)
        {
          uint64_t n = now_ns (), due = ring_due[head % RING];
          uint64_t wait = due > n ? due - n : 0;
          to.tv_sec = (time_t) (wait / 1000000000u);
          to.tv_nsec = (long) (wait % 1000000000u);
          top = &to;
        }
      int pr = ppoll (&pfd, 1, top, NULL);
      if (pr < 0 && errno != EINTR)
        { perror ("ppoll"); break; }
      if (pr > 0 && (pfd.revents & POLLIN))
        for (;;)
          {
            ssize_t rv = recv (fd, buf, sizeof buf, MSG_DONTWAIT);
            if (rv > 0)
              { nfq_handle_packet (h, buf, (int) rv); continue; }
            if (rv < 0 && errno == ENOBUFS)
              { enobufs++; continue; }
            break;
          }
      uint64_t n = now_ns ();
      while (tail != head && ring_due[head % RING] <= n)
        {
          nfq_set_verdict (qh, ring_id[head % RING], NF_ACCEPT, 0, NULL);
          head++;
          passed++;
        }
    }
  /* let everything still held go, so nothing waits on a dead queue */
  while (tail != head)
    {
      nfq_set_verdict (qh, ring_id[head % RING], NF_ACCEPT, 0, NULL);
      head++;
    }
  fprintf (stderr, "nfq-delay: passed %llu, ring-overflow %llu, ENOBUFS %llu\n",
           (unsigned long long) passed, (unsigned long long) overflow,
           (unsigned long long) enobufs);
  nfq_destroy_queue (qh);
  nfq_close (h);
  return 0;
}
