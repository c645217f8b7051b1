// type-graphql reads decorator metadata through reflect-metadata; it must load first.
import "reflect-metadata";
