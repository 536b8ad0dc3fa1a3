// A bounded job queue for the scheduler: producers wait when it is full.

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly capacity: number) {
    if (capacity < 1) throw new Error("capacity must be at least 1");
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds a job, waiting until there is room. */
  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.items.push(item);
  }

  /** Takes the oldest job, or undefined when the queue is empty. */
  shift(): T | undefined {
    const item = this.items.shift();
    this.waiting.shift()?.();
    return item;
  }
}
