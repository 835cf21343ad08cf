/* Thread-like objects, some of which --gc-sections discards: their DIEs stay, with DW_OP_addr 0. */
struct k_thread {
    unsigned int state;
    void *stack_start;
    unsigned int stack_size;
};

struct k_thread kept_thread;
struct k_thread kept_threads[2];
struct k_thread unused_thread;          /* nobody refers to it: the linker drops its section */
static struct k_thread unused_static;   /* the same, file scope */

struct k_thread *current_of(int i)
{
    return i < 0 ? &kept_thread : &kept_threads[i & 1];
}

void unused_function(void)              /* dropped too: its DIE keeps low_pc 0 */
{
    unused_static.state = 3;
}

void _start(void)
{
    volatile struct k_thread *t = current_of(0);
    t->state = 1;
    for (;;) {
    }
}
