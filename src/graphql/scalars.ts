import { DateTimeResolver, JSONResolver } from "graphql-scalars";

export { DateTimeResolver as DateTimeScalar, JSONResolver as JSONScalar };
