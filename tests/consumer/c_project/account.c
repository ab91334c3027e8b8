/* A C program with the bugs users bring to weft, run by tests/consumer/run.sh under the installed weft
 * command; it calls nothing of weft's. The first argument chooses:
 *   overdraft    two withdrawals of 60 from a balance of 100 each check the balance, then debit it,
 *                under two separate acquisitions of the lock: when both checks run before either
 *                debit, the account is overdrawn. Seen through pthread calls alone.
 *   lost_update  two threads add 1 to a plain int without a lock: an update is lost when both read
 *                before either writes. Seen only when this file is compiled for weft::instrument.
 *   leak         a thread is left waiting forever when main returns.
 * Exits 1, with the reason on stderr, when the outcome is wrong; 0 otherwise. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_signalled = PTHREAD_COND_INITIALIZER;
static int balance = 100;
static int counter = 0;

static void* withdraw_60(void* unused) {
  (void)unused;
  pthread_mutex_lock(&lock);
  int enough = balance >= 60;
  pthread_mutex_unlock(&lock);
  if (enough) {
    pthread_mutex_lock(&lock);
    balance -= 60;
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static void* add_one(void* unused) {
  (void)unused;
  counter = counter + 1;
  return NULL;
}

static void* wait_forever(void* unused) {
  (void)unused;
  pthread_mutex_lock(&lock);
  for (;;) pthread_cond_wait(&never_signalled, &lock);
  return NULL;
}

static void run_two(void* (*routine)(void*)) {
  pthread_t first, second;
  pthread_create(&first, NULL, routine, NULL);
  pthread_create(&second, NULL, routine, NULL);
  pthread_join(first, NULL);
  pthread_join(second, NULL);
}

int main(int argc, char** argv) {
  const char* bug = argc > 1 ? argv[1] : "";
  if (strcmp(bug, "overdraft") == 0) {
    run_two(withdraw_60);
    if (balance < 0) {
      fprintf(stderr, "the account was overdrawn: balance %d\n", balance);
      return 1;
    }
    return 0;
  }
  if (strcmp(bug, "lost_update") == 0) {
    run_two(add_one);
    if (counter != 2) {
      fprintf(stderr, "lost update: counter is %d\n", counter);
      return 1;
    }
    return 0;
  }
  if (strcmp(bug, "leak") == 0) {
    pthread_t waiter;
    pthread_create(&waiter, NULL, wait_forever, NULL);
    return 0;
  }
  fprintf(stderr, "account: expected overdraft, lost_update or leak; got \"%s\"\n", bug);
  return 2;
}
