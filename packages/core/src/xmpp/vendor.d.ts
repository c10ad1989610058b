// Types for the parts of @xmpp/client 0.14 (and its ltx elements) that xmpp/ uses.
// The package ships no declarations; these cover only what we call.

declare module "@xmpp/client" {
  export type Attrs = Record<string, string | undefined>;
  export type Node = Element | string;

  export class Element {
    constructor(name: string, attrs?: Attrs);
    name: string;
    attrs: Attrs;
    children: Node[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getName(): string;
    getNS(): string | undefined;
    getAttr(name: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    text(): string;
    append(...nodes: Node[]): this;
    c(name: string, attrs?: Attrs): Element;
    t(text: string): this;
    up(): Element;
    toString(): string;
  }

  export class Parser {
    constructor();
    write(data: string): void;
    end(data?: string): void;
    on(event: "start" | "element" | "end", fn: (el: Element) => void): this;
    on(event: "error", fn: (err: Error) => void): this;
    emit(event: string, ...args: unknown[]): boolean;
  }

  type Child = Node | Node[] | null | undefined | false;
  export interface XmlFactory {
    (name: string, attrs?: Record<string, string | number | undefined> | null, ...children: Child[]): Element;
    Element: typeof Element;
    Parser: typeof Parser;
    escapeXML(s: string): string;
  }
  export const xml: XmlFactory;

  export interface Jid {
    local: string;
    domain: string;
    resource: string;
    bare(): Jid;
    toString(): string;
  }
  export function jid(value: string): Jid;

  export type Handler = (...args: never[]) => unknown;

  export interface Listenable {
    on(event: string, fn: Handler): unknown;
    once(event: string, fn: Handler): unknown;
    removeListener(event: string, fn: Handler): unknown;
    emit(event: string, ...args: unknown[]): boolean;
  }

  export type TransportClass = {
    new (...args: never[]): unknown;
    prototype: {
      socketParameters(service: string): unknown;
      Socket: unknown;
      Parser: unknown;
    };
  };

  export interface MiddlewareContext {
    stanza: Element;
    entity: Entity;
    name: string;
    id: string;
    type: string;
  }
  export type Middleware = (ctx: MiddlewareContext, next: () => Promise<unknown>) => unknown;
  export type FeatureHandler = (ctx: MiddlewareContext, next: () => Promise<unknown>, feature: Element) => unknown;

  export interface SaslMechanismClass {
    new (): unknown;
    prototype: { name: string };
  }

  export type Authenticate = (credentials: Record<string, unknown>, mechanism: string, userAgent?: unknown) => Promise<void>;

  export interface StreamManagement extends Listenable {
    enabled: boolean;
    id: string;
    inbound: number;
    outbound: number;
    outbound_q: { stanza: Element; stamp: string }[];
    timeout: number;
    requestAckInterval: number;
  }

  export interface Entity extends Listenable {
    status: string;
    jid: Jid | null;
    options: { service: string; domain: string; lang?: string };
    transports: TransportClass[];
    socket: unknown;
    timeout: number;
    isSecure(): boolean;
    start(): Promise<Jid>;
    connect(service: string): Promise<void>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    stop(): Promise<unknown>;
    disconnect(): Promise<unknown>;
    send(el: Element): Promise<void>;
    sendMany(els: Element[]): Promise<void>;
    restart(): Promise<unknown>;
    _attachSocket(socket: unknown): void;
    _onElement(el: Element): void;
    _onData(data: Buffer | string): void;
    _attachParser(parser: Parser): void;
    parser: Parser | null;
    _streamError(condition: string, children?: Element[]): Promise<unknown>;
    reconnect: Listenable & { stop(): void; start(): void };
    middleware: { use(fn: Middleware): unknown; filter(fn: Middleware): unknown };
    streamFeatures: { use(name: string, xmlns: string, fn: FeatureHandler): unknown };
    iqCaller: { request(el: Element, timeout?: number): Promise<Element> };
    iqCallee: {
      get(ns: string, name: string, fn: (ctx: MiddlewareContext & { element: Element }) => unknown): void;
      set(ns: string, name: string, fn: (ctx: MiddlewareContext & { element: Element }) => unknown): void;
    };
    saslFactory: { use(mech: SaslMechanismClass): unknown; _mechs: { name: string }[] };
    streamManagement: StreamManagement;
  }

  export interface ClientOptions {
    service: string;
    domain: string;
    resource?: string;
    username?: string;
    password?: string;
    credentials?: (authenticate: Authenticate, mechanisms: string[], fast: unknown, entity: Entity) => Promise<void>;
  }
  export function client(options: ClientOptions): Entity;
}
