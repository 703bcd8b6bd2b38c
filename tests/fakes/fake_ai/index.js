// Fake Workers AI: `env.AI.run(model, inputs)` over a service binding, as the real binding is called.
import { WorkerEntrypoint } from "cloudflare:workers";

// A 1x1 white JPEG.
const TINY_JPEG =
  "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=";

export default class FakeAi extends WorkerEntrypoint {
  async fetch() {
    return new Response("fake-ai: call run(model, inputs) through the AI binding\n", { status: 404 });
  }

  async run(model, inputs) {
    if (typeof model !== "string") throw new Error("model must be a string");
    if (inputs && inputs.prompt === "fail") throw new Error("AI binding failure (fake)");
    if (model === "@cf/black-forest-labs/flux-1-schnell") return { image: TINY_JPEG };
    throw new Error(`fake-ai does not serve ${model}`);
  }
}
