// The model, loaded once per process: config, tokenizer, the graphs of a variant and the memory's files.
// Everything that runs the model (the memory pass, answers, inspection) takes it from here.
import { MemoryFactory } from "../memory/loadMemory";
import { memoryModelIdentity } from "../memory/modelIdentity";
import { shippedModelsDir } from "./modelFiles";
import { type LoadOptions, ModelGraphs } from "./modelGraphs";
import { CodeTokenizer } from "./tokenizer";

export class ModelService {
  private constructor(
    readonly dir: string,
    readonly graphs: ModelGraphs,
    readonly memory: MemoryFactory,
    readonly tokenizer: CodeTokenizer,
    /** What a stored memory must have been written by to be read (memoryModelIdentity). */
    readonly identity: string,
  ) {}

  static async load(dir: string = shippedModelsDir(), options: LoadOptions = {}): Promise<ModelService> {
    const graphs = await ModelGraphs.load(dir, options);
    try {
      const memory = await MemoryFactory.load(dir, graphs.config, { threads: 1 });
      const tokenizer = await CodeTokenizer.load(dir);
      return new ModelService(dir, graphs, memory, tokenizer, memoryModelIdentity(graphs.config, graphs.variant));
    } catch (error) {
      await graphs.dispose();
      throw error;
    }
  }

  get config() {
    return this.graphs.config;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.graphs.dispose(), this.memory.dispose()]);
  }
}
