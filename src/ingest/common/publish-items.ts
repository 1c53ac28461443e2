/** Publishes normalized items onto a bus topic as the JSON contract, keyed by item id, in bounded chunks. */
import type { Bus, OutgoingMessage } from '../../core/bus.ts';
import { encodeItem } from '../../core/codec.ts';
import type { NewsItem } from '../../core/news.ts';

export async function publishItems(
  bus: Bus,
  topic: string,
  items: readonly NewsItem[],
  chunkSize = 500,
): Promise<void> {
  for (let start = 0; start < items.length; start += chunkSize) {
    const chunk = items.slice(start, start + chunkSize);
    const messages: OutgoingMessage[] = chunk.map((item) => ({
      key: item.id,
      value: encodeItem(item),
    }));
    await bus.publish(topic, messages);
  }
}
